// Train, without a GPU job: msSwiftStudio.train starts the stand-in launchers of e2e/harness/stand-ins.js, which
// record their argv, cwd and environment. The Python environment is the stand-in interpreter (setting
// msSwiftStudio.python.interpreter), which answers the probe with ms-swift 4.5.2 and megatron-core, and `megatron`
// next to it. Each test checks that what started is exactly what `ms-swift-studio command --format json` gives for
// the config (only argv[0] differs: the probed environment's launcher, an absolute path).
//   - in a plain terminal (msSwiftStudio.launch.detached: off), for a 4.5.2 config (YAML) and a 3.4.1 one (flags);
//   - detached in tmux (on): the output reaches the run's log and the exit status its exit file; a run still going
//     is listed by the Runs view, reattached after its terminal closed, and ended by msSwiftStudio.stop;
//   - with an activation command: `megatron` from PATH (the harness puts the stand-ins first on it).
// The harness gives the server its own tmux server (TMUX_TMPDIR); the sessions started here are killed here too.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  cliCommandJson, cliCommandLine, extensionApi, iconId, LaunchCommand, LaunchResult, newRecord, recordNames, runsTree, sessionExists, STANDIN_DIR,
  STANDIN_ON_PATH, STANDIN_PYTHON, standInControl, StandInRecord, tmux, tmuxAvailable, treeChildren,
} from './runs-util';
import { closeAll, diagnosticsWhere, fixture, hasCommand, open, sleep, SOURCE, waitFor, workspaceRoot } from './util';

const CONFIG = 'qwen2.5-7b-sft.megatron.yaml';
const CONFIG_V3 = 'qwen2.5-7b-sft.v3.megatron.yaml';
const OUTPUT = 'megatron_output/Qwen2.5-7B-Instruct'; // output_dir / save of both

/** the stand-in started exactly the CLI's command: argv (but argv[0]), cwd, and the config's environment */
function assertSameCommand(rec: StandInRecord, cli: LaunchCommand, launcher: string): void {
  assert.strictEqual(rec.argv[0], launcher, 'the launcher that started');
  assert.strictEqual(path.basename(cli.argv[0]!), path.basename(launcher), 'the CLI names the same program');
  assert.deepStrictEqual(rec.argv.slice(1), cli.argv.slice(1), 'the arguments are the CLI\'s');
  assert.strictEqual(fs.realpathSync(rec.cwd), fs.realpathSync(cli.cwd), 'the working directory is the CLI\'s');
  // of the variables a stand-in records (harness/stand-ins.js), the CLI's have its values, and the others are
  // only what the run inherited from the server
  const set = Object.fromEntries(Object.keys(cli.env).map((k) => [k, rec.env[k]]));
  assert.deepStrictEqual(set, cli.env, 'the environment set for the run is the CLI\'s');
  for (const [k, v] of Object.entries(rec.env)) {
    if (!(k in cli.env) && !k.startsWith('E2E_')) assert.strictEqual(v, process.env[k], `${k}=${v} was set for the run, but the CLI does not set it`);
  }
}

/** the run record's command, as the CLI's JSON has it (argv, env, cwd) */
function commandOf(r: LaunchResult): LaunchCommand {
  const { argv, env, cwd } = r.run.command;
  return { argv, env, cwd };
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('msSwiftStudio').update(key, value, vscode.ConfigurationTarget.Global);
}

async function train(rel: string): Promise<LaunchResult> {
  const r = await vscode.commands.executeCommand<LaunchResult | undefined>('msSwiftStudio.train', fixture(rel));
  assert.ok(r, 'msSwiftStudio.train returned nothing: it stopped at a prompt (see artifacts/extension-host/output.log)');
  return r;
}

/** the suite's tmux server is its own (TMUX_TMPDIR from the harness): every mss-* session in it was started here */
function ourSessions(): string[] {
  return tmux(['list-sessions', '-F', '#{session_name}']).stdout.split('\n').filter((x) => x.startsWith('mss-'));
}
function killOurSessions(): void {
  for (const s of ourSessions()) tmux(['kill-session', '-t', `=${s}`]);
}

const bashShell = () => /(^|\/)bash$/.test(vscode.env.shell);
const probedLauncher = () => path.join(path.dirname(STANDIN_PYTHON!), 'megatron');

describe('train (stand-in launchers)', function () {
  before(async function () {
    if (!STANDIN_DIR || !STANDIN_PYTHON || !hasCommand('msSwiftStudio.train')) this.skip();
    // the 3.4.1 config loads Qwen2.5-7B-Instruct-mcore; with the folder there it has no error (no "Launch anyway?")
    // (a Megatron checkpoint folder, as `swift export --to_mcore` writes it)
    const mcore = path.join(workspaceRoot().fsPath, 'Qwen2.5-7B-Instruct-mcore');
    fs.mkdirSync(mcore, { recursive: true });
    fs.writeFileSync(path.join(mcore, 'latest_checkpointed_iteration.txt'), 'release\n');
    standInControl(undefined);
    await setting('python.interpreter', STANDIN_PYTHON);
    await setting('launch.detached', 'off');
  });

  after(async () => {
    standInControl(undefined);
    if (tmuxAvailable()) killOurSessions();
    for (const t of vscode.window.terminals.filter((t) => t.name.startsWith('ms-swift: '))) t.dispose();
    await setting('launch.detached', undefined);
    await setting('python.activationCommand', undefined);
    await setting('python.interpreter', undefined);
    await closeAll();
  });

  for (const rel of [CONFIG, CONFIG_V3]) {
    it(`Train in a terminal starts exactly the CLI's command (${rel})`, async () => {
      const uri = (await open(rel)).document.uri;
      const errors = (ds: vscode.Diagnostic[]) => ds.filter((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source === SOURCE);
      await diagnosticsWhere(uri, 'no errors', (ds) => ds.length > 0 && !errors(ds).length)
        .catch((e: Error) => assert.fail(`${e.message}: ${errors(vscode.languages.getDiagnostics(uri)).map((d) => d.message).join(' | ')}`));
      const cli = cliCommandJson(rel);
      const before = recordNames();
      const r = await train(rel);
      assert.strictEqual(r.run.kind, 'train');
      assert.strictEqual(r.run.session, undefined, 'not detached');
      assert.strictEqual(r.run.configPath, uri.fsPath);
      assert.strictEqual(r.run.outputDir, path.join(workspaceRoot().fsPath, OUTPUT));
      assert.match(path.basename(r.run.logFile), /^ms-swift-studio-.+\.log$/);
      assert.strictEqual(path.dirname(r.run.logFile), r.run.outputDir, 'the run\'s log file goes to its output folder');
      assert.strictEqual(r.terminal.name, `ms-swift: ${rel.replace(/\.yaml$/, '')}`);
      assert.deepStrictEqual(commandOf(r), { ...cli, argv: [probedLauncher(), ...cli.argv.slice(1)] }, 'the planned command is the CLI\'s');
      if (bashShell()) assert.strictEqual(r.run.commandLine, cliCommandLine(rel, 'bash').replace(/(^| )megatron /, `$1${probedLauncher()} `));
      const rec = await newRecord(before);
      assertSameCommand(rec, cli, probedLauncher());
      r.terminal.dispose();
    });
  }

  // a config with an error: Train asks "Launch anyway?" (a modal dialog, which the test host refuses: so nothing starts)
  const withError = (name: string): vscode.Uri => {
    const uri = fixture(name);
    fs.writeFileSync(uri.fsPath, fs.readFileSync(fixture(CONFIG).fsPath, 'utf8').replace(/^micro_batch_size: .*$/m, '$&\nmirco_batch_size: 1'));
    return uri;
  };

  it('Train on a config with an error asks first, and starts nothing unless told to', async () => {
    const uri = withError('train-error.megatron.yaml');
    await open('train-error.megatron.yaml');
    await diagnosticsWhere(uri, 'the unknown-argument error', (ds) => ds.some((d) => d.severity === vscode.DiagnosticSeverity.Error && /mirco_batch_size/.test(d.message)));
    const before = recordNames();
    const r = await vscode.commands.executeCommand<LaunchResult | undefined>('msSwiftStudio.train', uri);
    assert.strictEqual(r, undefined, 'Train started a config with an error without asking');
    await sleep(1500);
    assert.deepStrictEqual([...recordNames()].filter((n) => !before.has(n)), [], 'nothing started');
  });

  // Train from the Explorer's context menu on a config that is not open: the language server has not checked it yet
  it('Train on a config with an error that is not open in an editor asks first too', async () => {
    const uri = withError('train-error-closed.megatron.yaml');
    const before = recordNames();
    const r = await vscode.commands.executeCommand<LaunchResult | undefined>('msSwiftStudio.train', uri);
    if (r) {
      await newRecord(before).catch(() => undefined); // let it end before the next test counts launchers
      r.terminal.dispose();
    }
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message.split('. ')[0]);
    assert.ok(r === undefined, `Train started it without asking; the config's error${errors.length === 1 ? '' : 's'} (published since): ${errors.join(' | ')}`);
  });

  it('with an activation command, Train runs it first and then `megatron` from PATH', async function () {
    if (!STANDIN_ON_PATH) this.skip();
    await setting('python.activationCommand', 'export E2E_ACTIVATED=yes');
    try {
      const cli = cliCommandJson(CONFIG);
      const before = recordNames();
      const r = await train(CONFIG);
      assert.deepStrictEqual(commandOf(r), cli, 'with an activation command the program stays `megatron`');
      const rec = await newRecord(before);
      assertSameCommand(rec, cli, path.join(STANDIN_ON_PATH!, 'megatron'));
      assert.strictEqual(rec.env.E2E_ACTIVATED, 'yes', 'the activation command ran in the same shell first');
      r.terminal.dispose();
    } finally {
      await setting('python.activationCommand', undefined);
    }
  });

  describe('detached in tmux', function () {
    this.timeout(60000);
    // a copy of CONFIG under a name without dots (see the last test)
    const PLAIN = 'tmux-sft.yaml';

    before(async function () {
      if (!tmuxAvailable()) this.skip();
      fs.copyFileSync(fixture(CONFIG).fsPath, fixture(PLAIN).fsPath); // its modeline makes it a config
      await setting('launch.detached', 'on');
    });
    after(async () => {
      standInControl(undefined);
      killOurSessions();
      await setting('launch.detached', 'off');
    });

    it('a detached run writes its output to its log and its exit status to its exit file', async () => {
      standInControl({ sleepMs: 1000 });
      const cli = cliCommandJson(CONFIG);
      const before = recordNames();
      const r = await train(CONFIG);
      assert.ok(r.run.session, 'the run has a tmux session');
      assert.match(r.run.session, /^mss-/);
      assert.strictEqual(path.dirname(r.run.logFile), path.join(workspaceRoot().fsPath, OUTPUT));
      assert.strictEqual(r.run.exitFile, r.run.logFile.replace(/\.log$/, '.exit'));
      assert.strictEqual(r.run.commandLine, cliCommandLine(CONFIG, 'bash').replace(/(^| )megatron /, `$1${probedLauncher()} `), 'tmux runs the bash line');
      const opts = r.terminal.creationOptions as vscode.TerminalOptions;
      assert.deepStrictEqual([path.basename(opts.shellPath ?? ''), ...((opts.shellArgs as string[] | undefined) ?? [])], ['tmux', 'attach-session', '-t', `=${r.run.session}`], 'the terminal attaches to the session');
      const rec = await newRecord(before);
      assertSameCommand(rec, cli, probedLauncher());
      const code = await waitFor('the exit file', () => (fs.existsSync(r.run.exitFile) ? fs.readFileSync(r.run.exitFile, 'utf8').trim() : undefined), 20000);
      assert.strictEqual(code, '0');
      const log = fs.readFileSync(r.run.logFile, 'utf8');
      assert.match(log, /\[stand-in megatron\] started: \["sft","qwen2\.5-7b-sft\.megatron\.yaml"\]/);
      assert.match(log, /\[stand-in megatron\] done, exit status 0/);
      const api = await extensionApi();
      assert.ok(!(await api.launcher().runningRuns()).some((x) => x.id === r.run.id), 'an ended run is not running');
      r.terminal.dispose();
      killOurSessions(); // the session waits for Enter after the run
    });

    it('a run still going is in the Runs view, is reattached after its terminal closed, and Stop ends it', async () => {
      standInControl({ sleepMs: 120000 });
      const cli = cliCommandJson(PLAIN);
      const before = recordNames();
      const r = await train(PLAIN);
      const session = r.run.session!;
      assertSameCommand(await newRecord(before), cli, probedLauncher());
      await waitFor('the log to show the run going', () => (/running for 120000 ms/.test(fs.readFileSync(r.run.logFile, 'utf8')) ? true : undefined));
      assert.deepStrictEqual(ourSessions(), [session], 'the tmux session has the name in the run record');
      const api = await extensionApi();
      assert.deepStrictEqual((await api.launcher().runningRuns()).map((x) => x.id), [r.run.id], 'the launcher lists the run as running');

      // the Runs view: the run first, as a running record
      await vscode.commands.executeCommand('msSwiftStudio.refreshRuns');
      const tree = await runsTree();
      const roots = await treeChildren(tree);
      const top = roots[0]!;
      assert.strictEqual(top.node.kind, 'record', `roots: ${roots.map((x) => x.node.label).join(', ')}`);
      assert.strictEqual(top.node.record?.id, r.run.id);
      assert.strictEqual(top.item.label, r.run.name);
      assert.strictEqual(top.item.contextValue, 'msSwiftRun.running');
      assert.strictEqual(iconId(top.item), 'sync~spin');
      assert.match(String(top.item.description), /^running since /);
      const files = await treeChildren(tree, top.node);
      assert.ok(files.some((f) => f.node.label === path.basename(r.run.logFile) && f.item.description === 'run log'), `inside: ${files.map((f) => f.node.label).join(', ')}`);

      // closing the terminal (a closed window, a dropped SSH link) leaves the run going; reattach opens a new one
      r.terminal.dispose();
      await waitFor('the terminal to close', () => (vscode.window.terminals.includes(r.terminal) ? undefined : true));
      assert.ok(sessionExists(session), 'the tmux session outlives its terminal');
      const n = await vscode.commands.executeCommand<number>('msSwiftStudio.reattach');
      assert.strictEqual(n, 1, 'one terminal reattached');
      const t = await waitFor('a terminal attached to the session', () => vscode.window.terminals.find((x) => x !== r.terminal && x.name === `ms-swift: ${r.run.name}`));
      assert.ok(((t.creationOptions as vscode.TerminalOptions).shellArgs as string[]).includes(`=${session}`));
      assert.strictEqual(await vscode.commands.executeCommand<number>('msSwiftStudio.reattach'), 0, 'nothing more to reattach');

      // Stop: Ctrl-C ends the stand-in (status 130), the session goes
      await vscode.commands.executeCommand('msSwiftStudio.stop', r.run.id);
      assert.strictEqual(fs.readFileSync(r.run.exitFile, 'utf8').trim(), '130', 'the exit status of an interrupted run');
      assert.ok(!sessionExists(session), 'the session is gone');
      assert.match(fs.readFileSync(r.run.logFile, 'utf8'), /interrupted \(SIGINT\)/);
      assert.deepStrictEqual(await api.launcher().runningRuns(), []);
      const after = await treeChildren(tree);
      assert.ok(!after.some((x) => x.node.kind === 'record'), 'the Runs view no longer lists it as running');
      // the launcher's watcher (every 5 s) notes the end in the run's record
      const ended = await waitFor('the run record to note the exit status', () => {
        const rec = api.launcher().store.get(r.run.id);
        return rec?.exitCode !== undefined ? rec : undefined;
      }, 12000, 250);
      assert.strictEqual(ended.exitCode, 130);
      t.dispose();
    });

    // Run names come from the config's file name, and *.megatron.yaml names have dots (qwen2.5-7b-sft.megatron):
    // tmux turns '.' (and ':') in session names into '_', so the session must be named without them.
    it('a detached run of a *.megatron.yaml config is seen as running (its tmux session has the recorded name)', async () => {
      standInControl({ sleepMs: 120000 });
      const before = recordNames();
      const r = await train(CONFIG);
      try {
        await newRecord(before);
        assert.deepStrictEqual(ourSessions(), [r.run.session], 'the tmux session has the name in the run record');
        const api = await extensionApi();
        assert.deepStrictEqual((await api.launcher().runningRuns()).map((x) => x.id), [r.run.id], 'the launcher lists the run as running');
      } finally {
        r.terminal.dispose();
        killOurSessions();
      }
    });
  });
});
