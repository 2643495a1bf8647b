package io.meanstream.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * One container image as cli/pom.xml's Jib configuration builds it (plugin configuration merged with the
 * execution's, properties resolved, the gpu profile's properties applied on request): what the manifests must
 * agree with (image name, user, working directory, writable paths, port).
 */
record JibImage(String repository, String tag, int uid, int gid, String workingDirectory, Map<String, String> environment,
                List<String> jvmFlags, List<Integer> ports, List<String> args) {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    static JibImage of(App app, boolean gpu) {
        Path pom = Kustomize.repoDir().resolve("cli/pom.xml");
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot read " + pom + ": " + e.getMessage(), e);
        }
        Element project = doc.getDocumentElement();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("project.version", text(child(child(project, "parent").orElseThrow(), "version").orElseThrow()));
        child(project, "properties").ifPresent(p -> children(p).forEach(e -> props.put(e.getTagName(), text(e))));
        if (gpu) {
            Element profile = children(child(project, "profiles").orElseThrow()).stream()
                    .filter(p -> child(p, "id").map(JibImage::text).orElse("").equals("gpu")).findFirst()
                    .orElseThrow(() -> new AssertionError("cli/pom.xml has no gpu profile"));
            child(profile, "properties").ifPresent(p -> children(p).forEach(e -> props.put(e.getTagName(), text(e))));
        }
        Element jib = findJib(project);
        Element common = child(jib, "configuration").orElseThrow(() -> new AssertionError("Jib has no plugin configuration"));
        Element execution = children(child(jib, "executions").orElseThrow()).stream()
                .filter(e -> child(e, "id").map(JibImage::text).orElse("").equals(app.name)).findFirst()
                .orElseThrow(() -> new AssertionError("cli/pom.xml has no Jib execution " + app.name));
        Element own = child(execution, "configuration").orElseThrow();

        String toImage = resolve(path(own, "to", "image").or(() -> path(common, "to", "image")).orElseThrow(), props);
        int colon = toImage.lastIndexOf(':');
        String user = resolve(containerValue(own, common, "user").orElse("0:0"), props);
        String[] ids = user.split(":");
        String workDir = resolve(containerValue(own, common, "workingDirectory").orElse("/"), props);
        Map<String, String> env = new LinkedHashMap<>();
        for (Element c : List.of(common, own)) {
            pathElement(c, "container", "environment").ifPresent(e -> children(e).forEach(v -> env.put(v.getTagName(), resolve(text(v), props))));
        }
        List<String> flags = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (Element c : List.of(common, own)) {
            pathElement(c, "container", "jvmFlags").ifPresent(e -> children(e).forEach(v -> flags.add(resolve(text(v), props))));
            pathElement(c, "container", "ports").ifPresent(e -> children(e).forEach(v -> ports.add(Integer.parseInt(resolve(text(v), props)))));
            pathElement(c, "container", "args").ifPresent(e -> children(e).forEach(v -> args.add(resolve(text(v), props))));
        }
        return new JibImage(toImage.substring(0, colon), toImage.substring(colon + 1), Integer.parseInt(ids[0].strip()),
                Integer.parseInt(ids.length > 1 ? ids[1].strip() : ids[0].strip()), workDir, Map.copyOf(env), List.copyOf(flags),
                List.copyOf(ports), List.copyOf(args));
    }

    /** java.io.tmpdir as the JVM flags set it (the JDK's default otherwise). */
    String tmpdir() {
        return systemProperty("java.io.tmpdir").orElse("/tmp");
    }

    Optional<String> systemProperty(String name) {
        String prefix = "-D" + name + "=";
        return jvmFlags.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length())).reduce((a, b) -> b);
    }

    private static Element findJib(Element project) {
        Element build = child(project, "build").orElseThrow();
        List<Element> candidates = new ArrayList<>();
        child(build, "pluginManagement").flatMap(pm -> child(pm, "plugins")).ifPresent(p -> candidates.addAll(children(p)));
        child(build, "plugins").ifPresent(p -> candidates.addAll(children(p)));
        return candidates.stream()
                .filter(p -> child(p, "artifactId").map(JibImage::text).orElse("").equals("jib-maven-plugin"))
                .filter(p -> child(p, "executions").isPresent()).findFirst()
                .orElseThrow(() -> new AssertionError("cli/pom.xml configures no jib-maven-plugin with executions"));
    }

    private static Optional<String> containerValue(Element own, Element common, String name) {
        return path(own, "container", name).or(() -> path(common, "container", name));
    }

    private static String resolve(String value, Map<String, String> props) {
        String out = value;
        for (int i = 0; i < 10 && out.contains("${"); i++) {
            Matcher m = PROPERTY.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = props.get(m.group(1));
                if (v == null) {
                    throw new AssertionError("cli/pom.xml: unknown property ${" + m.group(1) + "} in " + value);
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out.strip();
    }

    private static Optional<String> path(Element e, String... names) {
        return pathElement(e, names).map(JibImage::text);
    }

    private static Optional<Element> pathElement(Element e, String... names) {
        Optional<Element> cur = Optional.of(e);
        for (String n : names) {
            cur = cur.flatMap(c -> child(c, n));
        }
        return cur;
    }

    private static Optional<Element> child(Element e, String name) {
        return children(e).stream().filter(c -> c.getTagName().equals(name)).findFirst();
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e) {
        return e.getTextContent().strip();
    }
}
