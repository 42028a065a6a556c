package dev.realtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quarkus configuration profile the stack runs its services with: each service's application.properties holds
 * the local stack's fixed choices as {@code %local.} entries, which read where the stack's parts are from the
 * {@code stack.*} system properties of {@link LocalStack#stackProperties}.
 */
final class LocalProfile {

    static final String NAME = "local";
    /** How an entry of the profile starts in application.properties. */
    static final String PREFIX = "%" + NAME + ".";

    private static final Logger LOG = LoggerFactory.getLogger(LocalProfile.class);

    private LocalProfile() {
    }

    /**
     * The keys the profile sets in a packaged service ({@code quarkus-app/app/<module>-<version>.jar}, beside its
     * {@code quarkus-run.jar}), without the prefix. Empty when there is nothing to read.
     */
    static Set<String> keys(Path quarkusRunJar) {
        Path appDir = quarkusRunJar.resolveSibling("app");
        if (!Files.isDirectory(appDir)) {
            return Set.of();
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(appDir)) {
            jars = files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            LOG.warn("could not list {}: {}", appDir, e.getMessage());
            return Set.of();
        }
        Set<String> keys = new TreeSet<>();
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry("application.properties");
                if (entry != null) {
                    Properties properties = new Properties();
                    try (InputStream in = zip.getInputStream(entry)) {
                        properties.load(in);
                    }
                    keys.addAll(keys(properties));
                }
            } catch (IOException e) {
                LOG.warn("could not read application.properties of {}: {}", jar, e.getMessage());
            }
        }
        return keys;
    }

    /** The keys of {@code %local.} entries among {@code applicationProperties}, without the prefix. */
    static Set<String> keys(Properties applicationProperties) {
        return applicationProperties.stringPropertyNames().stream()
                .filter(key -> key.startsWith(PREFIX))
                .map(key -> key.substring(PREFIX.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The names among {@code variables} (an environment) that would set one of {@code keys}, or its {@code %local.}
     * entry: an environment variable outranks application.properties.
     */
    static Set<String> shadowingVariables(Collection<String> variables, Set<String> keys) {
        Set<String> shadowed = keys.stream()
                .flatMap(key -> Stream.of(environmentName(key), environmentName(PREFIX + key)))
                .collect(Collectors.toSet());
        return variables.stream()
                .filter(variable -> shadowed.contains(environmentName(variable)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * A name as SmallRye Config matches environment variables to properties: each character other than a letter or a
     * digit as {@code _}, in upper case ({@code KAFKA_BOOTSTRAP_SERVERS} for {@code kafka.bootstrap.servers},
     * {@code _LOCAL_KAFKA_BOOTSTRAP_SERVERS} for its {@code %local.} entry).
     */
    static String environmentName(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
