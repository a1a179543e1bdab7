package org.dsvstudio.kkt;

import ai.djl.ndarray.NDArray;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

/** Which weights the stationarity condition is applied to: "all", "last:N", or name prefixes. */
public final class ParameterSelection {

    private ParameterSelection() {
    }

    public static List<Pair<String, NDArray>> select(List<Pair<String, NDArray>> named, List<String> spec) {
        List<Pair<String, NDArray>> out = new ArrayList<>();
        for (String s : spec) {
            String token = s.strip();
            if (token.equalsIgnoreCase("all")) {
                return new ArrayList<>(named);
            }
            if (token.startsWith("last:")) {
                int k;
                try {
                    k = Integer.parseInt(token.substring(5));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("parameter selection '" + token + "': last:N needs a number");
                }
                if (k <= 0) {
                    throw new IllegalArgumentException("parameter selection '" + token + "': N must be ≥ 1");
                }
                for (Pair<String, NDArray> p : named.subList(Math.max(0, named.size() - k), named.size())) {
                    addOnce(out, p);
                }
                continue;
            }
            boolean any = false;
            for (Pair<String, NDArray> p : named) {
                if (p.getKey().startsWith(token)) {
                    addOnce(out, p);
                    any = true;
                }
            }
            if (!any) {
                throw new IllegalArgumentException("no parameter name starts with '" + token + "' (names: "
                        + named.stream().map(Pair::getKey).toList() + ")");
            }
        }
        // keep the network's order whatever the order of the spec
        out.sort((a, b) -> Integer.compare(indexOf(named, a), indexOf(named, b)));
        return out;
    }

    private static void addOnce(List<Pair<String, NDArray>> out, Pair<String, NDArray> p) {
        if (out.stream().noneMatch(q -> q.getKey().equals(p.getKey()))) {
            out.add(p);
        }
    }

    private static int indexOf(List<Pair<String, NDArray>> named, Pair<String, NDArray> p) {
        for (int i = 0; i < named.size(); i++) {
            if (named.get(i).getKey().equals(p.getKey())) {
                return i;
            }
        }
        return -1;
    }
}
