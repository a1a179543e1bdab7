package org.dsvstudio.cli;

import org.dsvstudio.model.CardOverrides;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The facts about a bare .pt file that a card would otherwise hold (class names: see ClassNamesOption). */
public final class ModelOptions {

    @Option(names = "--input-shape", paramLabel = "C,H,W", description = "Input shape, e.g. 1,28,28.")
    String inputShape;

    @Option(names = "--mean", paramLabel = "m[,m,m]", description = "Per-channel mean of pixels in [0,1].")
    String mean;

    @Option(names = "--std", paramLabel = "s[,s,s]", description = "Per-channel std of pixels in [0,1].")
    String std;

    @Option(names = "--trust-model-code", description = "Run a TorchScript model even where its code uses operators"
            + " a classifier does not need (file access, printing, custom C++ operators …). Only for files whose"
            + " author you trust: a model file is a program.")
    boolean trustModelCode;

    /**
     * The overrides with the class names given by the command's own option (its name differs by command). Also
     * applies --trust-model-code to this command's process (each command opens its model through here).
     */
    CardOverrides toOverrides(String classNames) {
        org.dsvstudio.model.ModelCodeCheck.trustEveryModel(trustModelCode);
        return new CardOverrides(inputShape == null ? null : parseShape(inputShape), parseClasses(classNames),
                mean == null ? null : parseDoubles("--mean", mean), std == null ? null : parseDoubles("--std", std),
                null);
    }

    static int[] parseShape(String text) {
        try {
            int[] shape = Arrays.stream(text.split("[,x×]")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            if (shape.length != 3) {
                throw new UserInputException("--input-shape needs three numbers C,H,W, got '" + text + "'");
            }
            return shape;
        } catch (NumberFormatException e) {
            throw new UserInputException("--input-shape needs three numbers C,H,W, got '" + text + "'");
        }
    }

    static double[] parseDoubles(String option, String text) {
        try {
            return Arrays.stream(text.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new UserInputException(option + " needs numbers separated by commas, got '" + text + "'");
        }
    }

    static List<String> parseClasses(String text) {
        if (text == null) {
            return null;
        }
        List<String> names;
        if (text.startsWith("@")) {
            Path file = Path.of(text.substring(1));
            try {
                names = Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            } catch (IOException e) {
                throw new UserInputException("cannot read class names from " + file + ": " + e.getMessage());
            }
        } else {
            names = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        if (names.size() < 2) {
            throw new UserInputException("--class-names needs at least two class names");
        }
        return names;
    }
}
