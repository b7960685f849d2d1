export {
  kubernetesHandler,
  parseKubernetes,
  looksLikeKubernetes,
  linkKubernetes,
  k8sId,
  type WorkloadAttrs,
  type ContainerAttrs,
} from "./parse.ts";
export { KUBERNETES_RULES } from "./rules.ts";
export { kubernetesFacts } from "./facts.ts";
export { isKustomizationFile, kustomizationFolderRefs, kustomizationReferences, renderedFolders } from "./kustomize.ts";
