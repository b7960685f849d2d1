import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";

/** A security group open on every port, used by `users` (YAML lines under Resources). */
const template = (users: string) => `Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - { CidrIp: 0.0.0.0/0, IpProtocol: "-1" }
  Balancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      Subnets: [subnet-1, subnet-2]
      SecurityGroups: [!Ref Open]
${users}`;

async function everyPortThreat(users = "") {
  const { threats } = await analyze([{ path: "lb.yaml", content: template(users) }]);
  return threats.find((t) => t.ruleId === "TL-AWS-SG-004");
}

describe("TL-AWS-SG-004 on a group only load balancers use", () => {
  it("is not critical: a load balancer answers on its listener ports only, and the threat says so", async () => {
    const threat = await everyPortThreat();
    expect(threat?.severity).toBe("medium");
    expect(threat?.description).toMatch(/Only Balancer uses the group/);
    expect(threat?.resources.map((r) => r.id)).toContain("Balancer");
  });

  it("stays critical when an instance uses the group too", async () => {
    const threat = await everyPortThreat(`  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SecurityGroupIds: [!Ref Open]
`);
    expect(threat?.severity).toBe("critical");
    expect(threat?.description).not.toMatch(/listener/);
  });
});
