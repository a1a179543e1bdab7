package org.dsvstudio.cli;

import org.dsvstudio.app.AppInfo;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.model.ModelLoadException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CancellationException;

/** The command line: same code paths as the app, no JavaFX. Exit 0 ok, 2 bad input, 130 cancelled. */
@Command(name = "dsv-studio", mixinStandardHelpOptions = true, version = AppInfo.VERSION,
        description = "Find and inspect the Deep Support Vectors of a trained image classifier.",
        subcommands = {InfoCommand.class, TrainCommand.class, EvaluateCommand.class, BenchmarkCommand.class,
                GenerateCommand.class, KktCheckCommand.class, SoakCommand.class, ExplainCommand.class,
                BoundaryCommand.class, DistillCommand.class, FaithfulnessCommand.class, LegibilityCommand.class,
                ExportCommand.class, ToyCommand.class,
                WorkerCommand.class,
                CommandLine.HelpCommand.class})
public final class DsvCli implements Runnable {

    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_CANCELLED = 130;

    private static volatile String commandLine = "dsv-studio";

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (see --help)");
    }

    /** The command line as the user typed it, for provenance. */
    static String commandLine() {
        return commandLine;
    }

    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        commandLine = "dsv-studio " + String.join(" ", quoteAll(args));
        CommandLine cli = new CommandLine(new DsvCli());
        // "--class-names @FILE" is ours (one name per line); picocli's own @-files would split that file into arguments
        cli.setExpandAtFiles(false);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("dsv-studio: " + ex.getMessage());
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLineObj, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose");
            Throwable cause = unwrap(ex);
            if (verbose) {
                cause.printStackTrace(err);
            }
            if (cause instanceof CancellationException) {
                err.println("dsv-studio: cancelled" + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                return EXIT_CANCELLED;
            }
            if (isUserError(cause)) {
                err.println("dsv-studio: error: " + oneLine(cause.getMessage()));
                return EXIT_BAD_INPUT;
            }
            err.println("dsv-studio: internal error: " + cause + (verbose ? "" : " (run with --verbose for details)"));
            return 1;
        });
        return cli.execute(args);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.ExecutionException || c instanceof java.util.concurrent.CompletionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static boolean isUserError(Throwable t) {
        return t instanceof ModelLoadException || t instanceof DataFormatException
                || t instanceof IllegalArgumentException || t instanceof IOException
                || t instanceof UserInputException;
    }

    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String[] quoteAll(String[] args) {
        String[] q = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            q[i] = a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "'\\''") + "'" : a;
        }
        return q;
    }
}
