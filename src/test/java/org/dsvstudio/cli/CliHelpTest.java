package org.dsvstudio.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CliHelpTest {

    /** `dsv-studio help COMMAND` must say what every option does: a blank line there leaves a user guessing. */
    @Test
    void everyOptionOfEveryCommandHasADescription() {
        CommandLine root = new CommandLine(new DsvCli());
        List<String> blank = new ArrayList<>();
        for (CommandLine sub : root.getSubcommands().values()) {
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String text = String.join(" ", option.description()).strip();
                if (text.isEmpty()) {
                    blank.add(sub.getCommandName() + " " + option.longestName());
                }
            }
        }
        assertTrue(root.getSubcommands().size() >= 10, "commands: " + root.getSubcommands().keySet());
        assertTrue(blank.isEmpty(), "options without a description: " + blank);
    }
}
