import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors/inputErrors';

/**
 * Runs a judged program as openai/human-eval-infilling's human_eval_infilling/execution.py does
 * (`check_correctness`, `unsafe_execute`), each in a process of its own: in a fresh temporary
 * directory, its output swallowed, the tests timed by SIGALRM (`time_limit`, 3 s by default in
 * evaluation.py) and the process killed a second after that (`p.join(timeout=timeout + 1)`), with
 * an address-space limit and the destructive calls that `reliability_guard` removes taken away.
 * Unlike execution.py, which runs the program in-process, the network is cut off: a network
 * namespace of its own (`unshare --net`) where the system allows one, else a guard on the socket module.
 */

/** How a program is kept off the network: its own empty network namespace, or Python's socket module disabled. */
export type NetworkIsolation = 'unshare --net' | 'unshare --net --map-root-user' | 'socket guard';

export interface SandboxLimits {
  timeoutSeconds: number;
  memoryBytes: number;
  network: NetworkIsolation;
}

export interface ProgramOutcome {
  passed: boolean;
  /** execution.py's words: "passed", "timed out", or "failed: " and why. */
  result: string;
  ms: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_BYTES = 2 ** 30;

/** The most of a program's own output kept, to say how it ended. */
const KEPT_OUTPUT = 4096;

/**
 * The harness around each program: limits, guard, the timer, the verdict on stdout. Our own code,
 * following execution.py's steps; the program runs with exec() in the harness's process as there.
 */
const HARNESS = `
import builtins, contextlib, faulthandler, io, os, resource, shutil, signal, subprocess, sys
path, timeout, memory, guard_network = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == '1'
with open(path) as f:
    source = f.read()
verdict_out = sys.stdout
class TimedOut(BaseException):
    pass
def alarm(signum, frame):
    raise TimedOut()
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
faulthandler.disable()
if guard_network:
    import socket
    def no_network(*args, **kwargs):
        raise OSError('network disabled by the sandbox')
    socket.socket = socket.create_connection = socket.socketpair = socket.getaddrinfo = no_network
builtins.exit = builtins.quit = None
os.environ['OMP_NUM_THREADS'] = '1'
for name in ['kill', 'system', 'putenv', 'remove', 'removedirs', 'rmdir', 'fchdir', 'setuid', 'fork', 'forkpty', 'killpg', 'rename', 'renames', 'truncate', 'replace', 'unlink', 'fchmod', 'fchown', 'chmod', 'chown', 'chroot', 'lchown', 'getcwd', 'chdir']:
    setattr(os, name, None)
shutil.rmtree = shutil.move = shutil.chown = None
subprocess.Popen = None
swallowed = io.StringIO()
signal.signal(signal.SIGALRM, alarm)
try:
    with contextlib.redirect_stdout(swallowed), contextlib.redirect_stderr(swallowed):
        signal.setitimer(signal.ITIMER_REAL, timeout)
        exec(compile(source, 'program.py', 'exec'), {})
    verdict = 'passed'
except TimedOut:
    verdict = 'timed out'
except BaseException as e:
    verdict = 'failed: ' + (str(e) or type(e).__name__)
finally:
    signal.setitimer(signal.ITIMER_REAL, 0)
verdict_out.write('\\n' + verdict)
verdict_out.flush()
`;

/** The python3 on PATH, as the interpreter's own path (a pyenv shim would cost a shell per program). */
export function pythonExecutable(): string {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    throw new InputError('builder eval runs the tests with python3, and there is none on PATH.');
  }
}

/** The strongest network isolation this machine allows: a network namespace where unshare may make one, else the socket guard. */
export function networkIsolation(python: string): NetworkIsolation {
  for (const isolation of ['unshare --net', 'unshare --net --map-root-user'] as const) {
    const [command, ...args] = isolation.split(' ');
    const probe = spawnSync(command!, [...args, python, '-c', 'pass'], { timeout: 10_000, stdio: 'ignore' });
    if (probe.status === 0) return isolation;
  }
  return 'socket guard';
}

/** Runs one program under the limits; whatever it does, it ends in a ProgramOutcome and never throws. */
export function runProgram(program: string, python: string, limits: SandboxLimits): Promise<ProgramOutcome> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'builder-eval-'));
  writeFileSync(join(dir, 'program.py'), program);
  const harness = [python, '-c', HARNESS, join(dir, 'program.py'), String(limits.timeoutSeconds), String(limits.memoryBytes), limits.network === 'socket guard' ? '1' : '0'];
  const [command, ...args] = limits.network === 'socket guard' ? harness : [...limits.network.split(' '), ...harness];
  return new Promise((resolve) => {
    let output = '';
    let stdout = '';
    let killed = false;
    const finish = (result: string) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ passed: result === 'passed', result, ms: Math.round(performance.now() - started) });
    };
    // Its own process group, so that the kill takes anything it started as well.
    const child = spawn(command!, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: dir, LANG: 'C.UTF-8', OMP_NUM_THREADS: '1' } });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
      keep(chunk);
    });
    child.stderr.on('data', keep);
    const timer = setTimeout(
      () => {
        killed = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      },
      (limits.timeoutSeconds + 1) * 1000,
    );
    child.on('error', (error) => finish(`failed: ${error.message}`));
    child.on('close', (code, signal) => {
      const verdict = stdout.slice(stdout.lastIndexOf('\n') + 1);
      if (killed) finish('timed out');
      else if (code === 0 && (verdict === 'passed' || verdict === 'timed out' || verdict.startsWith('failed: '))) finish(verdict);
      else finish(`failed: the process ended (${signal ?? `exit ${code}`}) ${output.trim().split('\n').at(-1) ?? ''}`.trimEnd());
    });
  });
}
