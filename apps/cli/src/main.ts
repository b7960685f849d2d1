import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.ts";
import { explainError } from "./lib/api-client.ts";
import { CLI_VERSION } from "./version.ts";

const program = new Command()
  .name("threatline")
  .description("STRIDE threat models from CloudFormation, Terraform, OpenAPI and Kubernetes files.")
  .version(CLI_VERSION)
  .showHelpAfterError()
  .exitOverride();

for (const register of COMMANDS) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`threatline: ${explainError(error)}\n`);
    process.exitCode = 2;
  }
}
