/*
 * Which Vector API calls in our C2 compiles hang on an inlining budget (issue 6, session 12). Reads a
 * HotSpot compilation log and, for every C2 compile whose root method is in io.blueshift, counts
 *   - "soft": Vector API methods inlined by C2's size and frequency heuristics rather than @ForceInline
 *     (IntVector.species, ConversionImpl.ofCast, ...). A compile past DesiredMethodLimit or
 *     NodeCountInliningCutoff refuses them; an intrinsic that needed the constant they return then
 *     falls back to the API's Java code, boxing each vector.
 *   - "unexpanded": VectorSupport calls inlined late that did not turn into a vector intrinsic.
 * Usage, after a run with -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/tmp/c.xml:
 *   java bench/results/VectorInlineCheck.java /tmp/c.xml
 */
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

public class VectorInlineCheck {
    static final Pattern ATTR = Pattern.compile("(\\w+)='([^']*)'");

    static Map<String, String> attrs(String line) {
        Map<String, String> m = new HashMap<>();
        for (Matcher x = ATTR.matcher(line); x.find(); ) m.put(x.group(1), x.group(2));
        return m;
    }

    public static void main(String[] a) throws Exception {
        Map<String, Integer> soft = new TreeMap<>(), unexpanded = new TreeMap<>();
        int tasks = 0;
        String root = null, pending = null, late = null;
        Map<String, String> klass = new HashMap<>(), method = new HashMap<>();
        try (var lines = Files.lines(Path.of(a[0]))) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("<task ")) {
                    Map<String, String> t = attrs(line);
                    // C1 compiles carry a level; C2's do not
                    root = t.containsKey("level") || !t.get("method").startsWith("io.blueshift") ? null
                            : t.get("method").split(" \\(")[0].replace(' ', '.');
                    klass.clear(); method.clear(); pending = late = null;
                    if (root != null) tasks++;
                } else if (root == null) {
                    continue;
                } else if (line.startsWith("</task>")) {
                    root = null;
                } else if (line.startsWith("<klass ")) {
                    Map<String, String> k = attrs(line);
                    klass.put(k.get("id"), k.get("name"));
                } else if (line.startsWith("<method ")) {
                    Map<String, String> m = attrs(line);
                    method.put(m.get("id"), klass.getOrDefault(m.get("holder"), "?") + "::" + m.get("name"));
                } else if (line.startsWith("<call ")) {
                    pending = method.get(attrs(line).get("method"));
                } else if (line.startsWith("<inline_success ") && pending != null) {
                    String reason = attrs(line).get("reason");
                    if (pending.startsWith("jdk.incubator.vector.") && !reason.equals("force inline by annotation")
                            && !reason.equals("accessor") && !pending.contains("$$Lambda")) {
                        soft.merge(pending + " in " + root, 1, Integer::sum);
                    }
                    pending = null;
                } else if (line.startsWith("<late_inline ")) {
                    late = method.get(attrs(line).get("method"));
                } else if (late != null && line.startsWith("<intrinsic ")) {
                    late = null;
                } else if (late != null && !line.startsWith("<jvms") && !line.startsWith("</late_inline")) {
                    if (late.contains("VectorSupport::")) unexpanded.merge(late + " in " + root, 1, Integer::sum);
                    late = null;
                }
            }
        }
        System.out.println("C2 compiles of io.blueshift methods: " + tasks);
        System.out.println("soft-inlined Vector API methods: " + soft.values().stream().mapToInt(i -> i).sum());
        soft.forEach((k, v) -> System.out.println("  " + v + " " + k));
        System.out.println("VectorSupport calls not expanded to an intrinsic: " + unexpanded.values().stream().mapToInt(i -> i).sum());
        unexpanded.forEach((k, v) -> System.out.println("  " + v + " " + k));
    }
}
