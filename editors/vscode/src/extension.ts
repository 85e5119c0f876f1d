import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel;
// Starts and stops run one after another, so that a restart never overlaps another one.
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel("RAG Language Server");
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand("rag.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("rag.server")) {
        void restart();
      }
    }),
  );
  return restart();
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function restart(): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start();
  });
}

function enqueue(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  try {
    await running?.dispose();
  } catch (error) {
    outputChannel.appendLine(`Stopping the language server failed: ${String(error)}`);
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("rag.server");
  const configured = config.get<string>("path", "ragc");
  const command = resolveExecutable(configured);
  if (command === undefined) {
    showStartError(
      `RAG: the language server binary "${configured}" was not found or is not executable. ` +
        'Install ragc or set "rag.server.path" to the path of the ragc binary.',
    );
    return;
  }

  const args = ["lsp", ...config.get<string[]>("extraArgs", [])];
  outputChannel.appendLine(`Starting ${command} ${args.join(" ")}`);
  try {
    const started = new LanguageClient(
      "rag",
      "RAG Language Server",
      { command, args, transport: TransportKind.stdio },
      {
        documentSelector: [
          { scheme: "file", language: "rag" },
          { scheme: "untitled", language: "rag" },
        ],
        outputChannel,
      },
    );
    await started.start();
    client = started;
  } catch (error) {
    showStartError(`RAG: could not start "${command} ${args.join(" ")}": ${String(error)}`);
  }
}

// Not awaited: the notification stays open without holding up activation or restarts.
function showStartError(message: string): void {
  outputChannel.appendLine(message);
  const openSettings = "Open Settings";
  void vscode.window.showErrorMessage(message, openSettings).then((choice) => {
    if (choice === openSettings) {
      void vscode.commands.executeCommand("workbench.action.openSettings", "rag.server.path");
    }
  });
}

/**
 * Turns the `rag.server.path` setting into the path of an executable file, or undefined.
 * A bare name is looked up on PATH; `~/` is the home folder; any other relative path is
 * taken from the first workspace folder.
 */
function resolveExecutable(setting: string): string | undefined {
  let candidates: string[];
  if (setting.startsWith("~/")) {
    candidates = [path.join(os.homedir(), setting.slice(2))];
  } else if (path.isAbsolute(setting)) {
    candidates = [setting];
  } else if (setting.includes("/") || setting.includes(path.sep)) {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    candidates = [path.resolve(root, setting)];
  } else {
    const dirs = (process.env["PATH"] ?? "").split(path.delimiter).filter((dir) => dir !== "");
    candidates = dirs.map((dir) => path.join(dir, setting));
  }
  const suffixes =
    process.platform === "win32" ? ["", ...(process.env["PATHEXT"] ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const candidate of candidates) {
    for (const suffix of suffixes) {
      if (isExecutableFile(candidate + suffix)) {
        return candidate + suffix;
      }
    }
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
