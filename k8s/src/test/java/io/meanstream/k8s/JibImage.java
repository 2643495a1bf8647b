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
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * One container image as Jib builds it from its module: the shared configuration in the root pom's
 * pluginManagement merged with the module's "images" profile, properties resolved, the gpu profiles' properties
 * applied on request. What the manifests must agree with (image name, entry point, user, working directory,
 * writable paths, port).
 */
record JibImage(String repository, String tag, String mainClass, int uid, int gid, String workingDirectory,
                Map<String, String> environment, List<String> jvmFlags, List<Integer> ports) {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    static JibImage of(App app, boolean gpu) {
        Element root = read(Kustomize.repoDir().resolve("pom.xml"));
        Element module = read(Kustomize.repoDir().resolve(app.name).resolve("pom.xml"));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("project.version", text(child(root, "version").orElseThrow()));
        props.put("project.artifactId", text(child(module, "artifactId").orElseThrow()));
        for (Element pom : List.of(root, module)) {
            child(pom, "properties").ifPresent(p -> children(p).forEach(e -> props.put(e.getTagName(), text(e))));
        }
        if (gpu) {
            for (Element pom : List.of(root, module)) {
                profile(pom, "gpu").flatMap(p -> child(p, "properties"))
                        .ifPresent(p -> children(p).forEach(e -> props.put(e.getTagName(), text(e))));
            }
        }
        Element common = pathElement(root, "build", "pluginManagement", "plugins").map(JibImage::jib)
                .flatMap(jib -> child(jib, "configuration"))
                .orElseThrow(() -> new AssertionError("the root pom's pluginManagement configures no jib-maven-plugin"));
        Element own = profile(module, "images").flatMap(p -> pathElement(p, "build", "plugins")).map(JibImage::jib)
                .flatMap(jib -> child(jib, "configuration"))
                .orElseThrow(() -> new AssertionError(app.name + "/pom.xml: no jib-maven-plugin configuration in profile images"));

        String toImage = resolve(path(own, "to", "image").or(() -> path(common, "to", "image")).orElseThrow(), props);
        int colon = toImage.lastIndexOf(':');
        String mainClass = resolve(containerValue(own, common, "mainClass").orElse(""), props);
        String user = resolve(containerValue(own, common, "user").orElse("0:0"), props);
        String[] ids = user.split(":");
        String workDir = resolve(containerValue(own, common, "workingDirectory").orElse("/"), props);
        Map<String, String> env = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (Element c : List.of(common, own)) {
            pathElement(c, "container", "environment").ifPresent(e -> children(e).forEach(v -> env.put(v.getTagName(), resolve(text(v), props))));
            pathElement(c, "container", "jvmFlags").ifPresent(e -> children(e).forEach(v -> flags.add(resolve(text(v), props))));
            pathElement(c, "container", "ports").ifPresent(e -> children(e).forEach(v -> ports.add(Integer.parseInt(resolve(text(v), props)))));
        }
        return new JibImage(toImage.substring(0, colon), toImage.substring(colon + 1), mainClass, Integer.parseInt(ids[0].strip()),
                Integer.parseInt(ids.length > 1 ? ids[1].strip() : ids[0].strip()), workDir, Map.copyOf(env), List.copyOf(flags),
                List.copyOf(ports));
    }

    /** java.io.tmpdir as the JVM flags set it (the JDK's default otherwise). */
    String tmpdir() {
        return systemProperty("java.io.tmpdir").orElse("/tmp");
    }

    Optional<String> systemProperty(String name) {
        String prefix = "-D" + name + "=";
        return jvmFlags.stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length())).reduce((a, b) -> b);
    }

    private static Element read(Path pom) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Element> profile(Element project, String id) {
        return child(project, "profiles").stream().flatMap(p -> children(p).stream())
                .filter(p -> child(p, "id").map(JibImage::text).orElse("").equals(id)).findFirst();
    }

    private static Element jib(Element plugins) {
        return children(plugins).stream()
                .filter(p -> child(p, "artifactId").map(JibImage::text).orElse("").equals("jib-maven-plugin")).findFirst()
                .orElse(null);
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
                    throw new AssertionError("pom.xml: unknown property ${" + m.group(1) + "} in " + value);
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
