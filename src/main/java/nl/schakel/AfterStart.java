package nl.schakel;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;

/** Runs a part's start-up work once the Camel context has fully started, when every route is there. */
public final class AfterStart {
    /** Work that may throw, as a start-up step. */
    @FunctionalInterface
    public interface Task {
        void run(CamelContext context) throws Exception;
    }

    private AfterStart() {
    }

    public static void run(CamelContext context, Task task) throws Exception {
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // not yet: routes from templates are added once the context has fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                task.run(ctx);
            }
        });
    }
}
