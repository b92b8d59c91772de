import { runMigrate } from "./migrate.ts";
import { runServer } from "./runServer.ts";

// `atelier-server` serves; `atelier-server migrate` brings the database's schema up to date and exits.
const [command] = process.argv.slice(2);
if (command === "migrate") await runMigrate();
else if (command === undefined || command === "serve") await runServer();
else {
  process.stderr.write(
    `Unknown command "${command}". Use \`atelier-server\` (serve) or \`atelier-server migrate\`.\n`,
  );
  process.exit(64);
}
