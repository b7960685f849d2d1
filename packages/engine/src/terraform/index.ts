export { detectTerraform, terraformHandler } from "./parse.ts";
export { detectTerraformPlan, terraformPlanHandler } from "./plan.ts";
