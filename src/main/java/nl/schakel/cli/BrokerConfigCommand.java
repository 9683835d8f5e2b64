package nl.schakel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import nl.schakel.broker.BrokerAccounts;
import nl.schakel.broker.Passwords;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code schakel broker-config}: the part of a standalone Artemis broker's configuration that comes
 * from the gateway's directory and credentials (deploy/artemis/README.md). It writes, into one folder,
 * <ul>
 * <li>{@code artemis-users.properties}: each queue-channel institution and the gateway, with the
 * gateway's own PBKDF2 hash as {@code ENC(...)}, which the broker checks with
 * {@link nl.schakel.broker.SchakelPasswordCodec} (the credentials file's hashes, copied; no plain text);</li>
 * <li>{@code artemis-roles.properties}: the gateway role, the sender role of every such institution and
 * each one's own {@code institution-<code>} role;</li>
 * <li>{@code security-settings.xml}: who may do what on which address, as the embedded broker has it;</li>
 * <li>{@code addresses.xml}: gateway.inbound, the dead-letter address with gateway.dead-letters, and
 * {@code inbox.<code>} for every institution of the directory.</li>
 * </ul>
 * The gateway's own password comes from {@code SCHAKEL_BROKER_PASSWORD} (as the gateway itself reads
 * it), else from the console or one line of standard input.
 */
@Command(name = "broker-config", mixinStandardHelpOptions = true,
        description = {"Writes the users, roles, security settings and addresses of a standalone Artemis broker",
                "(deploy/artemis) from a directory file and the institutions' credentials file.",
                "The gateway's broker password is read from SCHAKEL_BROKER_PASSWORD, else the console or standard input.",
                "Exit 0: written; 1: the directory or credentials are not valid; 2: usage error."})
final class BrokerConfigCommand implements Callable<Integer> {
    static final String USERS = "artemis-users.properties";
    static final String ROLES = "artemis-roles.properties";
    static final String SECURITY = "security-settings.xml";
    static final String ADDRESSES = "addresses.xml";
    private static final String DEMO_DIRECTORY = "/demo-directory.yaml";

    static final class Accounts {
        @Option(names = "--credentials", paramLabel = "FILE", required = true,
                description = "institutions' hashed broker passwords (<code> = pbkdf2-sha256$..., as schakel.broker.credentials-file)")
        Path credentials;

        @Option(names = "--demo", required = true,
                description = "demo accounts <code> / demo-<code> for the bundled demo directory; never with real data")
        boolean demo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Accounts accounts;

    @Option(names = "--directory", paramLabel = "FILE", description = "the directory file (YAML); with --demo the bundled demo directory")
    Path directoryFile;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "folder to write into (the broker instance's etc/)")
    Path out;

    @Option(names = "--gateway-user", paramLabel = "NAME", defaultValue = "schakel-gateway",
            description = "the gateway's broker login, as schakel.broker.user (default: ${DEFAULT-VALUE})")
    String gatewayUser;

    @ParentCommand
    Schakel root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (accounts.demo && directoryFile != null) {
            throw new ParameterException(spec.commandLine(), "--demo applies only to the bundled demo directory: leave out --directory,"
                    + " or give --credentials for " + directoryFile);
        }
        if (!accounts.demo && directoryFile == null) {
            throw new ParameterException(spec.commandLine(), "--credentials needs --directory FILE, the directory they belong to");
        }
        if (!gatewayUser.matches("[A-Za-z0-9._-]+") || gatewayUser.matches("[0-9]{2}[A-Z]{2}[0-9]{2}")) {
            throw new ParameterException(spec.commandLine(), "--gateway-user must be letters, digits, '.', '_' or '-' and not an institution code, not '"
                    + gatewayUser + "'");
        }
        PrintWriter err = spec.commandLine().getErr();
        Directory directory;
        try (InputStream in = accounts.demo ? BrokerConfigCommand.class.getResourceAsStream(DEMO_DIRECTORY) : Files.newInputStream(directoryFile)) {
            directory = Directory.read(in, accounts.demo ? "classpath:demo-directory.yaml" : directoryFile.toString());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            err.println("not a valid directory: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            err.flush();
            return Schakel.INVALID;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + directoryFile);
        }
        List<String> queueCodes = directory.withChannel(Institution.Channel.QUEUE).stream().map(Institution::code).sorted().toList();
        SortedMap<String, String> hashes = new TreeMap<>();
        if (accounts.demo) {
            queueCodes.forEach(code -> hashes.put(code, Passwords.hash(("demo-" + code).toCharArray())));
        } else {
            if (!Files.isReadable(accounts.credentials)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + accounts.credentials);
            }
            try {
                hashes.putAll(BrokerAccounts.fromFile(accounts.credentials, queueCodes).institutionHashes());
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return Schakel.INVALID;
            }
        }
        String gatewayHash = gatewayPasswordHash();
        if (gatewayHash == null) {
            err.println("No password for the gateway's broker login " + gatewayUser + ": set SCHAKEL_BROKER_PASSWORD, or type it,"
                    + " or give it as one line on standard input.");
            err.flush();
            return Schakel.USAGE;
        }

        Files.createDirectories(out);
        writePrivate(out.resolve(USERS), users(gatewayHash, hashes));
        Files.writeString(out.resolve(ROLES), roles(hashes.keySet()), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(SECURITY), securitySettings(queueCodes), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(ADDRESSES), addresses(directory.all().stream().map(Institution::code).sorted().toList()),
                StandardCharsets.UTF_8);
        PrintWriter o = spec.commandLine().getOut();
        o.println("Wrote " + USERS + ", " + ROLES + ", " + SECURITY + " and " + ADDRESSES + " to " + out + ": the gateway (" + gatewayUser + ") and "
                + hashes.size() + " institution login" + (hashes.size() == 1 ? "" : "s") + (accounts.demo ? " (DEMO passwords demo-<code>)" : "")
                + ", " + directory.all().size() + " inboxes.");
        o.flush();
        return 0;
    }

    private String gatewayPasswordHash() throws IOException {
        String fromEnv = root.env("SCHAKEL_BROKER_PASSWORD");
        char[] secret = fromEnv != null && !fromEnv.isEmpty() ? fromEnv.toCharArray() : root.readSecret("Gateway broker password");
        if (secret == null || secret.length == 0) {
            return null;
        }
        try {
            return Passwords.hash(secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** Readable by the broker's user only: hashes are still worth guessing at. */
    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private String users(String gatewayHash, SortedMap<String, String> hashes) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by schakel broker-config. Never commit this file: it holds password hashes.\n");
        b.append("# ENC(...) is checked by nl.schakel.broker.SchakelPasswordCodec (login.config), PBKDF2-SHA256.\n");
        b.append(gatewayUser).append(" = ENC(").append(gatewayHash).append(")\n");
        hashes.forEach((code, hash) -> b.append(code).append(" = ENC(").append(hash).append(")\n"));
        return b.toString();
    }

    private String roles(java.util.Collection<String> institutions) {
        StringBuilder b = new StringBuilder("# Written by schakel broker-config: role = users\n");
        b.append(nl.schakel.broker.EmbeddedBroker.GATEWAY_ROLE).append(" = ").append(gatewayUser).append('\n');
        if (!institutions.isEmpty()) {
            b.append(BrokerAccounts.SENDER_ROLE).append(" = ").append(String.join(",", institutions)).append('\n');
        }
        institutions.forEach(code -> b.append(BrokerAccounts.INSTITUTION_ROLE_PREFIX).append(code).append(" = ").append(code).append('\n'));
        return b.toString();
    }

    /** The permissions of Artemis, in the order of the embedded broker's Role constructor. */
    private static final List<String> ALL = List.of("send", "consume", "createDurableQueue", "deleteDurableQueue", "createNonDurableQueue",
            "deleteNonDurableQueue", "manage", "browse", "createAddress", "deleteAddress", "view", "edit");

    /**
     * As EmbeddedBroker: institutions send to gateway.inbound and consume their own inbox, nothing else; the
     * gateway has every right on its own addresses (not on '#': the broker's management address stays the
     * operator's). The most specific match applies alone, so each match names every role it allows.
     */
    static String securitySettings(List<String> queueCodes) {
        Map<String, Map<String, List<String>>> settings = new java.util.LinkedHashMap<>();
        String gw = nl.schakel.broker.EmbeddedBroker.GATEWAY_ROLE;
        for (String match : List.of("gateway.#", "inbox.#", nl.schakel.broker.EmbeddedBroker.DEAD_LETTER_ADDRESS, "DLQ.#", "EXPIRY", "EXP.#")) {
            settings.put(match, permissions(List.of(gw), List.of()));
        }
        settings.put(nl.schakel.broker.EmbeddedBroker.INBOUND, permissions(List.of(gw), List.of(BrokerAccounts.SENDER_ROLE)));
        for (String code : queueCodes) {
            settings.put("inbox." + code, permissions(List.of(gw), List.of()));
            settings.get("inbox." + code).get("consume").add(BrokerAccounts.INSTITUTION_ROLE_PREFIX + code);
        }
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!-- Written by schakel broker-config from the directory; included by broker.xml. -->\n"
                + "<security-settings xmlns=\"urn:activemq:core\">\n");
        settings.forEach((match, perms) -> {
            b.append("   <security-setting match=\"").append(match).append("\">\n");
            perms.forEach((type, roles) -> b.append("      <permission type=\"").append(type).append("\" roles=\"")
                    .append(String.join(",", roles)).append("\"/>\n"));
            b.append("   </security-setting>\n");
        });
        return b.append("</security-settings>\n").toString();
    }

    private static Map<String, List<String>> permissions(List<String> everything, List<String> sendOnly) {
        Map<String, List<String>> perms = new java.util.LinkedHashMap<>();
        for (String type : ALL) {
            List<String> roles = new ArrayList<>(everything);
            if (type.equals("send")) {
                roles.addAll(sendOnly);
            }
            perms.put(type, roles);
        }
        return perms;
    }

    static String addresses(List<String> codes) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!-- Written by schakel broker-config from the directory; included by broker.xml. -->\n"
                + "<addresses xmlns=\"urn:activemq:core\">\n"
                + "   <address name=\"" + nl.schakel.broker.EmbeddedBroker.INBOUND + "\">\n"
                + "      <anycast><queue name=\"" + nl.schakel.broker.EmbeddedBroker.INBOUND + "\"/></anycast>\n"
                + "   </address>\n"
                + "   <!-- every dead-lettered message also lands on gateway.dead-letters, for the gateway to act on -->\n"
                + "   <address name=\"" + nl.schakel.broker.EmbeddedBroker.DEAD_LETTER_ADDRESS + "\">\n"
                + "      <multicast><queue name=\"" + nl.schakel.broker.EmbeddedBroker.DEAD_LETTER_NOTICES + "\"/></multicast>\n"
                + "   </address>\n"
                + "   <!-- an institution took a message from its inbox: notices of PickupNoticePlugin for the gateways -->\n"
                + "   <address name=\"" + nl.schakel.broker.PickupNoticePlugin.ADDRESS + "\">\n"
                + "      <anycast><queue name=\"" + nl.schakel.broker.PickupNoticePlugin.ADDRESS + "\"/></anycast>\n"
                + "   </address>\n");
        for (String code : codes) {
            b.append("   <address name=\"inbox.").append(code).append("\">\n")
                    .append("      <anycast><queue name=\"inbox.").append(code).append("\"/></anycast>\n")
                    .append("   </address>\n");
        }
        return b.append("</addresses>\n").toString();
    }
}
