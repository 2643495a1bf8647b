// The labeling page: shows the next image, sends answers, undoes, skips, and keeps the stream's numbers fresh.
// Answers go to /api/labels with the session's CSRF token; keys 1-9 and 0 pick classes 1-10, S skips, U undoes.
"use strict";

const state = { me: null, queue: [], current: null, source: "requested", busy: false };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const headers = { "Accept": "application/json" };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if ((options.method || "GET") === "POST") {
    headers["X-CSRF-Token"] = state.me ? state.me.csrfToken : "";
  }
  const response = await fetch(path, {
    method: options.method || "GET", headers, credentials: "same-origin",
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) {
    window.location.assign("/login");
    throw new Error("signed out");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.error || ("HTTP " + response.status));
  }
  return data;
}

function say(text) {
  $("status").textContent = text;
}

function buildButtons() {
  const box = $("classes");
  box.replaceChildren();
  state.me.classNames.forEach((name, i) => {
    const b = document.createElement("button");
    b.id = "class-" + i;
    b.dataset.classIndex = String(i);
    b.append(name + " ");
    if (i < 10) {
      const k = document.createElement("kbd");
      k.textContent = String((i + 1) % 10);
      b.append(k);
    }
    b.addEventListener("click", () => answer(i));
    box.append(b);
  });
}

async function refill() {
  if (state.queue.length < 2) {
    const more = await api("/api/next?n=5&source=" + state.source);
    const known = new Set(state.queue.map((x) => x.imageId));
    if (state.current) {
      known.add(state.current.imageId);
    }
    more.filter((x) => !known.has(x.imageId)).forEach((x) => state.queue.push(x));
  }
}

async function showNext() {
  await refill();
  state.current = state.queue.shift() || null;
  render();
}

function render() {
  const item = state.current;
  document.querySelectorAll(".classes button").forEach((b) => b.classList.remove("guessed"));
  if (!item) {
    $("image").removeAttribute("src");
    $("image").dataset.imageId = "";
    $("guess").textContent = state.source === "requested"
      ? "No open label requests. Try \"Recent images\", or wait for the next model."
      : "No recent images yet.";
    $("origin").textContent = "";
    return;
  }
  $("image").src = "/api/images/" + encodeURIComponent(item.imageId);
  $("image").dataset.imageId = item.imageId;
  if (item.guessClass !== null && item.guessClass !== undefined) {
    const pct = item.confidence === null ? "" : " (" + Math.round(100 * item.confidence) + " %)";
    $("guess").textContent = "Model v" + item.modelVersion + " guesses " + item.guessName + pct;
    const b = $("class-" + item.guessClass);
    if (b) {
      b.classList.add("guessed");
    }
  } else {
    $("guess").textContent = "No model has scored this image yet.";
  }
  $("origin").textContent = item.source === "requested"
    ? "Requested: the model is unsure (uncertainty " + item.uncertainty.toFixed(2) + ")"
    : "A recent image, picked at random";
}

async function answer(classIndex) {
  if (!state.current || state.busy) {
    return;
  }
  state.busy = true;
  const item = state.current;
  try {
    await api("/api/labels", { method: "POST", body: { imageId: item.imageId, classIndex } });
    say("Saved: " + state.me.classNames[classIndex]);
    await showNext();
    stats();
  } catch (e) {
    say("Not saved: " + e.message);
  } finally {
    state.busy = false;
  }
}

async function skip() {
  if (!state.current || state.busy) {
    return;
  }
  state.busy = true;
  try {
    await api("/api/skip", { method: "POST", body: { imageId: state.current.imageId } });
    say("Skipped");
    await showNext();
  } catch (e) {
    say(e.message);
  } finally {
    state.busy = false;
  }
}

async function undo() {
  if (state.busy) {
    return;
  }
  state.busy = true;
  try {
    const item = await api("/api/undo", { method: "POST", body: {} });
    if (state.current) {
      state.queue.unshift(state.current);
    }
    state.current = item;
    render();
    say("Undone: label it again");
    stats();
  } catch (e) {
    say(e.message);
  } finally {
    state.busy = false;
  }
}

function drawChart(labels, accuracy) {
  const svg = $("chart");
  svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  const axis = document.createElementNS(ns, "path");
  axis.setAttribute("d", "M20 5 V105 H235");
  axis.setAttribute("stroke", "#999");
  axis.setAttribute("fill", "none");
  svg.append(axis);
  if (labels.length === 0) {
    return;
  }
  const max = Math.max(1, ...labels);
  const points = labels.map((l, i) => (20 + 215 * l / max).toFixed(1) + "," + (105 - 100 * accuracy[i]).toFixed(1));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", points.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#1f77b4");
  line.setAttribute("stroke-width", "2");
  svg.append(line);
  const label = document.createElementNS(ns, "text");
  label.setAttribute("x", "24");
  label.setAttribute("y", "117");
  label.setAttribute("font-size", "9");
  label.textContent = "0 .. " + max + " labels; accuracy 0 .. 1";
  svg.append(label);
}

async function stats() {
  try {
    const s = await api("/api/stats");
    $("queue").textContent = String(s.queue);
    $("today").textContent = String(s.labelsToday);
    $("mine").textContent = String(s.mineToday);
    $("served").textContent = s.servedVersion < 0 ? "none yet" : "v" + s.servedVersion;
    $("accuracy").textContent = s.liveAccuracy === null ? "not judged yet"
      : (100 * s.liveAccuracy).toFixed(1) + " % (" + s.judged + " judged)";
    drawChart(s.chartLabels, s.chartAccuracy);
  } catch (e) {
    say(e.message);
  }
}

function choose(source) {
  state.source = source;
  document.querySelectorAll(".source").forEach((b) => b.classList.toggle("active", b.id === "source-" + source));
  state.queue = [];
  showNext().catch((e) => say(e.message));
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || !state.me) {
    return;
  }
  if (/^[0-9]$/.test(e.key)) {
    const index = (Number(e.key) + 9) % 10;
    if (index < state.me.classNames.length) {
      e.preventDefault();
      answer(index);
    }
  } else if (e.key === "s" || e.key === "S" || e.key === " ") {
    e.preventDefault();
    skip();
  } else if (e.key === "u" || e.key === "U" || e.key === "Backspace") {
    e.preventDefault();
    undo();
  }
});

async function main() {
  state.me = await api("/api/me");
  $("who").textContent = state.me.name;
  buildButtons();
  $("skip").addEventListener("click", skip);
  $("undo").addEventListener("click", undo);
  $("source-requested").addEventListener("click", () => choose("requested"));
  $("source-recent").addEventListener("click", () => choose("recent"));
  $("sign-out").addEventListener("click", async () => {
    await api("/logout", { method: "POST", body: {} }).catch(() => null);
    window.location.assign("/login");
  });
  await showNext();
  if (!state.current && state.source === "requested") {
    say("No label requests yet: showing recent images.");
    choose("recent");
  }
  stats();
  setInterval(stats, 5000);
  setInterval(() => {
    if (!state.current && !state.busy) {
      showNext().catch(() => null);
    }
  }, 3000);
}

main().catch((e) => say(e.message));
