/**
 * One block of a rendered prompt (./prompt.ts). Declared here, beside the renderer, so the agents
 * layer needs nothing from the models layer; src/models/provider.ts takes it from here.
 */
export interface PromptBlock {
  text: string;
  /** Ends a prefix other calls share: providers that cache prompts put a breakpoint here. */
  cacheBreakpoint?: boolean;
}
