import { parseFakeCli, USAGE } from "./cli.ts";
import { startFakeBedrock } from "./server.ts";

const cli = parseFakeCli(process.argv.slice(2));
if (cli.kind === "help") {
  process.stdout.write(cli.text);
  process.exit(0);
}
if (cli.kind === "error") {
  process.stderr.write(`fake-bedrock: ${cli.message}\n\n${USAGE}`);
  process.exit(2);
}

const fake = await startFakeBedrock(cli.options);
process.stdout.write(
  `fake Bedrock runtime listening on ${fake.url} (BEDROCK_ENDPOINT=${fake.url}); stats at ${fake.url}/__fake/stats\n`,
);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
