import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

export const WORKSPACES_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-WORKSPACES-001",
    cfn: {
      pos: [
        one(
          "AWS::WorkSpaces::Workspace",
          "BundleId: wsb-1\nDirectoryId: d-1\nUserName: ana\nRootVolumeEncryptionEnabled: true",
        ),
      ],
      neg: [
        one(
          "AWS::WorkSpaces::Workspace",
          "BundleId: wsb-1\nDirectoryId: d-1\nUserName: ana\nRootVolumeEncryptionEnabled: true\nUserVolumeEncryptionEnabled: true\nVolumeEncryptionKey: alias/ws",
        ),
      ],
    },
    tf: {
      pos: [res("aws_workspaces_workspace", 'bundle_id = "wsb-1"\ndirectory_id = "d-1"\nuser_name = "ana"')],
      neg: [
        res(
          "aws_workspaces_workspace",
          'bundle_id = "wsb-1"\ndirectory_id = "d-1"\nuser_name = "ana"\nroot_volume_encryption_enabled = true\nuser_volume_encryption_enabled = true\nvolume_encryption_key = "alias/ws"',
        ),
      ],
    },
  },
];
