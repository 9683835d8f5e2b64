package nl.schakel.directory;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import nl.schakel.model.common.InstitutionKind;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The institutions the gateway serves and the agreements between regions.
 * Every institution may exchange within its own region; across regions only where an
 * agreement lists the pair.
 */
public final class Directory {
    private static final Pattern CODE = Pattern.compile("[0-9]{2}[A-Z]{2}[0-9]{2}");

    /** An agreement that lets two institutions of different regions exchange. */
    public record Agreement(String name, List<String> between) {
    }

    /** What the file said; replaced as a whole on a reload, so a reader sees the old or the new, never a mix. */
    private record Content(Map<String, Institution> institutions, Set<String> agreedPairs, List<Agreement> agreements) {
    }

    private volatile Content content;

    private Directory(Map<String, Institution> institutions, Set<String> agreedPairs, List<Agreement> agreements) {
        this.content = new Content(Collections.unmodifiableMap(institutions), Collections.unmodifiableSet(agreedPairs), List.copyOf(agreements));
    }

    /**
     * Takes over a newer directory's content (a reload the operator asked for, after it was
     * checked): every part of the gateway holding this directory sees the new one from now on.
     */
    public void replaceWith(Directory newer) {
        this.content = newer.content;
    }

    public List<Agreement> agreements() {
        return content.agreements();
    }

    /** Reads a directory YAML file; fails with a message naming the entry that is wrong. */
    public static Directory read(InputStream yaml, String source) throws IOException {
        ObjectMapper mapper = JsonMapper.builder(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        DirectoryFile file = mapper.readValue(yaml, DirectoryFile.class);
        Map<String, Institution> byCode = new LinkedHashMap<>();
        for (InstitutionEntry e : file.institutions) {
            if (!isCode(e.code)) {
                throw new IllegalArgumentException(source + ": institution code '" + e.code + "' is not a BRIN plus location like 12AB00");
            }
            if (e.kind == null || e.region == null || e.region.isBlank()) {
                throw new IllegalArgumentException(source + ": institution " + e.code + " needs a kind and a region");
            }
            Institution.Channel channel = e.channel == null ? Institution.Channel.FILE
                    : choice(Institution.Channel.class, e.channel, source, e.code, "channel");
            // v1 is Schakel's own format as XML
            Institution.Format format = e.format == null || e.format.equalsIgnoreCase("v1") ? Institution.Format.XML
                    : choice(Institution.Format.class, e.format, source, e.code, "format");
            InstitutionKind kind;
            try {
                kind = InstitutionKind.fromValue(e.kind);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ": institution " + e.code + " has kind '" + e.kind + "', not one of "
                        + java.util.Arrays.stream(InstitutionKind.values()).map(InstitutionKind::value).toList(), ex);
            }
            if (byCode.put(e.code, new Institution(e.code, e.name, kind, e.region, channel, format)) != null) {
                throw new IllegalArgumentException(source + ": institution " + e.code + " is listed twice");
            }
        }
        Set<String> pairs = new HashSet<>();
        List<Agreement> agreements = new ArrayList<>();
        for (AgreementEntry a : file.agreements) {
            if (a.between == null || a.between.size() != 2) {
                throw new IllegalArgumentException(source + ": an agreement lists exactly two institutions under 'between'");
            }
            for (String code : a.between) {
                if (!byCode.containsKey(code)) {
                    throw new IllegalArgumentException(source + ": agreement '" + a.name + "' names unknown institution " + code);
                }
            }
            pairs.add(pairKey(a.between.get(0), a.between.get(1)));
            agreements.add(new Agreement(a.name, List.copyOf(a.between)));
        }
        return new Directory(byCode, pairs, agreements);
    }

    /** One of an enum's values, written in any case; fails naming the institution, the key and the choices. */
    private static <E extends Enum<E>> E choice(Class<E> type, String value, String source, String code, String key) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": institution " + code + " has " + key + " '" + value + "', not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList(), e);
        }
    }

    /** Whether {@code code} has the form of an institution code: BRIN (two digits, two letters) and location (two digits). */
    public static boolean isCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    public Optional<Institution> find(String code) {
        return Optional.ofNullable(code == null ? null : content.institutions().get(code));
    }

    /** Whether an agreement (same region, or a listed cross-region pair) allows the two to exchange. */
    public boolean mayExchange(String a, String b) {
        Content now = content;
        Institution x = now.institutions().get(a);
        Institution y = now.institutions().get(b);
        if (x == null || y == null) {
            return false;
        }
        return x.region().equals(y.region()) || now.agreedPairs().contains(pairKey(a, b));
    }

    public List<Institution> all() {
        return List.copyOf(content.institutions().values());
    }

    public List<Institution> withChannel(Institution.Channel channel) {
        List<Institution> result = new ArrayList<>();
        for (Institution i : content.institutions().values()) {
            if (i.channel() == channel) {
                result.add(i);
            }
        }
        return result;
    }

    private static String pairKey(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }

    static final class DirectoryFile {
        @JsonProperty public List<InstitutionEntry> institutions = new ArrayList<>();
        @JsonProperty public List<AgreementEntry> agreements = new ArrayList<>();
    }

    static final class InstitutionEntry {
        @JsonProperty public String code;
        @JsonProperty public String name;
        @JsonProperty public String kind;
        @JsonProperty public String region;
        @JsonProperty public String channel;
        @JsonProperty public String format;
    }

    static final class AgreementEntry {
        @JsonProperty public String name;
        @JsonProperty public List<String> between;
    }
}
