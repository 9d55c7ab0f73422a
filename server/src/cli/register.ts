// Other subcommands (lsp, dev-broker, inspect) register themselves here, one import each.
export {};
