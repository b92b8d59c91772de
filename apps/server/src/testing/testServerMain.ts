/**
 * The server as end-to-end tests and benchmarks start it (see serverProcess.ts): the production
 * server plus the diagnostic steps. Nothing else imports this file and no setting turns the steps
 * on, so an installation, which runs `src/main.ts`, cannot offer them by accident.
 */
import { testCatalogue } from "@atelier/pipeline/testing";
import { runServer } from "../runServer.ts";

await runServer({ catalogue: testCatalogue });
