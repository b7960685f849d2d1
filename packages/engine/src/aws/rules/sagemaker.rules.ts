import { at, awsRule } from "./define.ts";

// TL-AWS-SAGEMAKER: SageMaker.

export const SAGEMAKER_RULES = [
  awsRule({
    id: "TL-AWS-SAGEMAKER-001",
    title: "SageMaker notebook has direct internet access",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.sagemaker.notebook"],
    description:
      "Notebook instance {resource} reaches the internet directly, outside the VPC's controls: data and its role's credentials can leave from it (direct access is the default).",
    remediation: "Disable direct internet access and place the notebook in a VPC subnet with controlled egress.",
    fix: {
      cloudformation:
        "Properties:\n  DirectInternetAccess: Disabled\n  SubnetId: !Ref PrivateSubnet\n  SecurityGroupIds: [!Ref NotebookSg]",
      terraform:
        'direct_internet_access = "Disabled"\nsubnet_id              = aws_subnet.private.id\nsecurity_groups        = [aws_security_group.notebook.id]',
    },
    cwe: ["CWE-284"],
    attack: ["T1567"],
    exposedBoost: 0,
    test: (node) => node.attrs.directInternet === true && { paths: [at(node, "directInternet")] },
  }),
];
