import { runNode } from "./runNode.ts";

runNode().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
