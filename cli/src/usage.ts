// Errors that end the CLI with exit status 2 and a one-line message (no stack trace).
export class UsageError extends Error {}

import { ESTIMATE_HELP } from './commands/estimate';
import { METRICS_HELP, METRICS_USAGE } from './commands/metrics';

export const HELP = `ms-swift-studio — checks and tools for ms-swift / Megatron-SWIFT run configs

Usage:
  ms-swift-studio check [--command "megatron sft"] [--ms-swift-version 3.4.1|4.5.2] [--format text|json] [--cwd DIR] FILE...
  ms-swift-studio command FILE [--shell bash|zsh|sh|fish|pwsh|cmd] [--ms-swift-version V] [--mode auto|yaml|flags]
                          [--gpus 0,1,...] [--node-rank N] [--format text|json]
  ms-swift-studio estimate FILE [--gpu-memory GiB] [--format text|json] [--command C] [--ms-swift-version V] [--tokens N]
${METRICS_USAGE}
  ms-swift-studio schema [--command "megatron sft"] [--ms-swift-version 3.4.1|4.5.2] [--language en|zh-cn] [--compact]
  ms-swift-studio lsp --stdio
  ms-swift-studio --help | --version

check    Reads each config and reports what ms-swift and Megatron-LM would reject, like a compiler:
         file:line:col: severity: message [code]. Exit status: 1 when any error was found, 0 otherwise,
         2 on usage errors or unreadable files.
         --command and --ms-swift-version override the file's modeline and the inference from its keys.
         --cwd DIR also checks what is on disk (checkpoint folders, local model configs, the ModelScope and
         Hugging Face caches), with relative paths taken from DIR, the folder the run starts in.
command  Prints the exact command line a run of FILE starts with (environment assignments included), quoted
         for the shell; --format json prints { "argv": [...], "env": {...}, "cwd": "..." }. ms-swift 4 reads the
         YAML itself (megatron sft FILE); for 3.4.1 the config is expanded into --flags (--mode chooses). --gpus
         sets CUDA_VISIBLE_DEVICES and NPROC_PER_NODE. Multi-node configs (NNODES > 1) print one command per node
         unless --node-rank picks one.
${ESTIMATE_HELP}${METRICS_HELP}schema   Prints a JSON Schema (draft-07) of the command's arguments for that version, with our descriptions, for
         other editors (e.g. yaml-language-server: # yaml-language-server: $schema=<file>).
lsp      Runs the language server over standard input/output, for editors other than VS Code.
`;
