import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";

const template = (logDays: number, backupDays: number) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: ${logDays}
  AppDb:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      BackupRetentionPeriod: ${backupDays}
`;

/** What a rule's finding says about a count reads in the right number: "1 day", "3 days", never "1 day(s)". */
describe("rule details in words", () => {
  it.each([
    [1, "1 day."],
    [3, "3 days."],
  ])("a retention of %i reads '%s'", async (days, words) => {
    const { threats } = await analyze([{ path: "app.yaml", content: template(days, days) }]);
    const text = (ruleId: string) => JSON.stringify(threats.filter((t) => t.ruleId === ruleId));
    expect(text("TL-AWS-LOGS-001")).toContain(`Log group AppLogs keeps events for ${words}`);
    expect(text("TL-AWS-RDS-004")).toContain(`Database AppDb keeps backups for ${words}`);
    expect(JSON.stringify(threats)).not.toContain("(s)");
  });
});
