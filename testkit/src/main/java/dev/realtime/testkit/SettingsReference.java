package dev.realtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaParameter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The settings reference (docs/settings.md), generated from the code and checked against it by one small test per
 * module ({@code SettingsReferenceTest}), so that the document cannot drift from what the services read.
 *
 * <p>Every setting of our own is a method of a {@code @ConfigMapping} interface in the module's main classes: its key
 * (the prefix and the kebab-case names), its environment variable, its type, its default (the packaged service's
 * {@code application.properties} value, {@code %prod} first, else {@code @WithDefault}) and its meaning (the
 * method's Javadoc, read from the source; a setting without one fails the check). A {@code @ConfigProperty} of a key
 * outside Quarkus's and MicroProfile's own namespaces fails the check too: it would be a setting missing from the
 * reference.
 *
 * <p>To rewrite the module's section after changing a setting: run its {@code SettingsReferenceTest} with
 * {@code -Dsettings.write=true}.
 */
public final class SettingsReference {
    /** Keys that belong to Quarkus, MicroProfile or a client library, documented by them, not here. */
    private static final List<String> FOREIGN_PREFIXES = List.of("quarkus.", "mp.", "kafka.", "smallrye.");
    private static final Path DOCUMENT = Path.of("..", "docs", "settings.md");
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/", Pattern.DOTALL);

    /** One setting; {@code defaultValue} is empty when there is none. */
    public record Setting(String key, String type, String defaultValue, String meaning) {
        /** The environment variable that sets it ({@code <NAME>} for a map's entries). */
        public String environmentVariable() {
            boolean map = key.endsWith(".<name>");
            String variable = (map ? key.substring(0, key.length() - ".<name>".length()) : key)
                    .replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
            return map ? variable + "_<NAME>" : variable;
        }
    }

    private SettingsReference() {
    }

    /**
     * Checks the section {@code module} of docs/settings.md against the mappings under {@code basePackage} (main
     * classes only), or rewrites it with {@code -Dsettings.write=true}.
     */
    public static void check(String module, String basePackage) throws IOException {
        JavaClasses classes = PackageRules.mainClasses(basePackage);
        List<String> stray = strayConfigProperties(classes);
        if (!stray.isEmpty()) {
            throw new AssertionError("settings read with @ConfigProperty instead of a @ConfigMapping interface (so "
                    + "missing from docs/settings.md): " + stray);
        }
        List<Setting> settings = new ArrayList<>();
        Properties defaults = applicationProperties();
        for (JavaClass mapping : classes.stream().filter(c -> c.isAnnotatedWith(ConfigMapping.class))
                .sorted(Comparator.comparing(JavaClass::getName)).toList()) {
            settings.addAll(of(mapping.reflect(), defaults));
        }
        String section = render(module, settings);
        String document = Files.exists(DOCUMENT) ? Files.readString(DOCUMENT) : "";
        String begin = "<!-- settings:" + module + " -->";
        String end = "<!-- /settings:" + module + " -->";
        int from = document.indexOf(begin);
        int to = document.indexOf(end);
        String current = from < 0 || to < from ? "" : document.substring(from + begin.length(), to);
        if (Boolean.getBoolean("settings.write")) {
            String rewritten = from < 0 || to < from
                    ? document + "\n" + begin + section + end + "\n"
                    : document.substring(0, from + begin.length()) + section + document.substring(to);
            Files.writeString(DOCUMENT, rewritten);
            return;
        }
        assertEquals(section, current, "docs/settings.md, section " + module + ", does not match the code: rewrite "
                + "it with ./mvnw -pl " + module + " test -Dtest=SettingsReferenceTest -Dsettings.write=true");
    }

    /** The settings of one {@code @ConfigMapping} interface, in declaration order of the source. */
    static List<Setting> of(Class<?> mapping, Properties defaults) throws IOException {
        String source = Files.readString(sourceOf(mapping));
        List<Setting> settings = new ArrayList<>();
        walk(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), null, source, defaults, settings);
        return settings;
    }

    private static void walk(Class<?> group, String prefix, String groupMeaning, String source, Properties defaults,
            List<Setting> into) {
        String body = bodyOf(source, group);
        List<Method> methods = Arrays.stream(group.getDeclaredMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()) && m.getParameterCount() == 0)
                .sorted(Comparator.comparingInt(m -> positionOf(body, m.getName())))
                .toList();
        for (Method method : methods) {
            String name = method.isAnnotationPresent(WithName.class) ? method.getAnnotation(WithName.class).value()
                    : kebab(method.getName());
            String key = prefix + "." + name;
            String meaning = javadocOf(body, method.getName());
            Type type = method.getGenericReturnType();
            Class<?> raw = method.getReturnType();
            if (isGroup(raw)) {
                // A group used by several accessors (e.g. each owner's url) takes its meaning from the accessor.
                walk(raw, key, meaning, source, defaults, into);
                continue;
            }
            String defaultValue;
            if (Map.class.equals(raw)) {
                defaultValue = mapDefaults(key, defaults);
                key = key + ".<name>";
            } else {
                defaultValue = defaultOf(key, method, defaults);
            }
            if (meaning.isEmpty()) {
                meaning = groupMeaning == null ? "" : groupMeaning;
            } else if (groupMeaning != null && !groupMeaning.isEmpty()) {
                meaning = groupMeaning + (groupMeaning.endsWith(".") ? " " : ": ") + meaning;
            }
            if (meaning.isEmpty()) {
                throw new AssertionError("setting " + key + " (" + group.getName() + "#" + method.getName()
                        + ") has no Javadoc: say what it means");
            }
            into.add(new Setting(key, typeOf(type), defaultValue, meaning));
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static String defaultOf(String key, Method method, Properties defaults) {
        String prod = defaults.getProperty("%prod." + key);
        if (prod != null) {
            return prod;
        }
        String plain = defaults.getProperty(key);
        if (plain != null) {
            return plain;
        }
        return method.isAnnotationPresent(WithDefault.class) ? method.getAnnotation(WithDefault.class).value() : "";
    }

    /** A map's entries in application.properties, {@code name=value} joined with "; ". */
    private static String mapDefaults(String key, Properties defaults) {
        return defaults.stringPropertyNames().stream().filter(name -> name.startsWith(key + "."))
                .sorted().map(name -> name.substring(key.length() + 1) + "=" + defaults.getProperty(name))
                .collect(Collectors.joining("; "));
    }

    private static String typeOf(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] arguments = parameterized.getActualTypeArguments();
            if (Optional.class.equals(raw)) {
                return typeOf(arguments[0]) + ", optional";
            }
            if (List.class.equals(raw) || java.util.Set.class.equals(raw)) {
                return "list of " + typeOf(arguments[0]) + " (comma-separated)";
            }
            if (Map.class.equals(raw)) {
                return "map of " + typeOf(arguments[1]);
            }
            return raw.getSimpleName();
        }
        Class<?> raw = (Class<?>) type;
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants())
                    .map(c -> kebab(((Enum<?>) c).name().toLowerCase(Locale.ROOT))).collect(Collectors.joining(", "));
        }
        if (Duration.class.equals(raw)) {
            return "duration";
        }
        return raw.isPrimitive() ? raw.getName() : raw.getSimpleName().toLowerCase(Locale.ROOT);
    }

    static String render(String module, List<Setting> settings) {
        StringBuilder out = new StringBuilder("\n");
        out.append("| key | environment variable | type | default | meaning |\n");
        out.append("|---|---|---|---|---|\n");
        for (Setting setting : settings) {
            out.append("| `").append(setting.key()).append("` | `").append(setting.environmentVariable())
                    .append("` | ").append(setting.type()).append(" | ")
                    .append(setting.defaultValue().isEmpty() ? "" : "`" + cell(setting.defaultValue()) + "`")
                    .append(" | ").append(cell(setting.meaning())).append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static List<String> strayConfigProperties(JavaClasses classes) {
        List<String> stray = new ArrayList<>();
        for (JavaClass type : classes) {
            for (JavaField field : type.getFields()) {
                field.tryGetAnnotationOfType(ConfigProperty.class).map(ConfigProperty::name)
                        .filter(SettingsReference::ours).ifPresent(name -> stray.add(type.getSimpleName() + "." + field.getName() + " " + name));
            }
            for (JavaCodeUnit unit : type.getCodeUnits()) {
                for (JavaParameter parameter : unit.getParameters()) {
                    parameter.tryGetAnnotationOfType(ConfigProperty.class).map(ConfigProperty::name)
                            .filter(SettingsReference::ours).ifPresent(name -> stray.add(type.getSimpleName() + "#" + unit.getName() + " " + name));
                }
            }
        }
        return stray;
    }

    private static boolean ours(String key) {
        return FOREIGN_PREFIXES.stream().noneMatch(key::startsWith);
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        Path file = Path.of("src", "main", "resources", "application.properties");
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        return properties;
    }

    private static Path sourceOf(Class<?> mapping) {
        Class<?> top = mapping;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        return Path.of("src", "main", "java", top.getName().replace('.', '/') + ".java");
    }

    /** The text inside the braces of {@code type}'s declaration, its nested types' bodies blanked out. */
    private static String bodyOf(String source, Class<?> type) {
        Matcher declaration = Pattern.compile("\\binterface\\s+" + type.getSimpleName() + "\\b[^{]*\\{").matcher(source);
        if (!declaration.find()) {
            throw new AssertionError("declaration of " + type.getName() + " not found in its source");
        }
        int open = declaration.end() - 1;
        int close = matching(source, open);
        StringBuilder body = new StringBuilder(source.substring(open + 1, close));
        for (int i = 0; i < body.length(); i++) {
            int skipped = skipCommentOrString(body, i);
            if (skipped != i) {
                i = skipped - 1;
            } else if (body.charAt(i) == '{') {
                int end = matching(body, i);
                // Keep the declaration line (so a nested type's own Javadoc stays attached to it), blank its body.
                for (int j = i; j <= end; j++) {
                    body.setCharAt(j, body.charAt(j) == '\n' ? '\n' : ' ');
                }
                body.setCharAt(i, ';');
                i = end;
            }
        }
        return body.toString();
    }

    /** Braces in comments ({@code {@code x}}) and in strings are not blocks. */
    private static int matching(CharSequence text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            int skipped = skipCommentOrString(text, i);
            if (skipped != i) {
                i = skipped - 1;
                continue;
            }
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new AssertionError("unbalanced braces");
    }

    /** Inside a Javadoc text: every brace counts (a URL's {@code //} is no comment there). */
    private static int closingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                depth++;
            } else if (text.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new AssertionError("unbalanced braces in a Javadoc: " + text);
    }

    /** The index after the comment or string literal that starts at {@code i}, or {@code i} when none does. */
    private static int skipCommentOrString(CharSequence text, int i) {
        String rest = text.subSequence(i, Math.min(text.length(), i + 2)).toString();
        if (rest.startsWith("/*")) {
            int end = text.toString().indexOf("*/", i + 2);
            return end < 0 ? text.length() : end + 2;
        }
        if (rest.startsWith("//")) {
            int end = text.toString().indexOf('\n', i);
            return end < 0 ? text.length() : end;
        }
        if (rest.startsWith("\"")) {
            int j = i + 1;
            while (j < text.length() && text.charAt(j) != '"') {
                j += text.charAt(j) == '\\' ? 2 : 1;
            }
            return Math.min(text.length(), j + 1);
        }
        return i;
    }

    private static int positionOf(String body, String method) {
        Matcher m = Pattern.compile("\\b" + method + "\\s*\\(\\s*\\)\\s*;").matcher(body);
        return m.find() ? m.start() : Integer.MAX_VALUE;
    }

    /** The Javadoc right before {@code method();} in {@code body} (annotations may sit between), cleaned up. */
    private static String javadocOf(String body, String method) {
        int at = positionOf(body, method);
        if (at == Integer.MAX_VALUE) {
            return "";
        }
        String before = body.substring(0, at);
        int end = before.lastIndexOf("*/");
        int previousMember = Math.max(before.lastIndexOf(';'), before.lastIndexOf('}'));
        if (end < 0 || end < previousMember) {
            return "";
        }
        Matcher doc = JAVADOC.matcher(before.substring(before.lastIndexOf("/**", end)));
        return doc.find() ? clean(doc.group(1)) : "";
    }

    private static String clean(String javadoc) {
        String text = inlineTags(javadoc.replaceAll("(?m)^\\s*\\*\\s?", " "))
                .replaceAll("</?(p|ul|ol|li|br|em|i|b|code)\\b[^>]*>", "")
                .replaceAll("\\s+", " ")
                .trim();
        return text;
    }

    /** {@code {@code x}} as `x` (braces inside x balanced), {@code {@link X#y}} as X#y. */
    private static String inlineTags(String text) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("{@", i)) {
                int end = closingBrace(text, i);
                String tag = text.substring(i + 2, end);
                int space = tag.indexOf(' ');
                String name = space < 0 ? tag : tag.substring(0, space);
                String content = space < 0 ? "" : tag.substring(space + 1).trim();
                if (name.equals("code") || name.equals("literal")) {
                    out.append('`').append(content).append('`');
                } else {
                    // {@link Type#member label}: the label if any, else the reference without a leading #.
                    int labelAt = content.indexOf(' ');
                    out.append(labelAt < 0 ? content.replaceFirst("^#", "") : content.substring(labelAt + 1));
                }
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
