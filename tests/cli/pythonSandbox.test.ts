import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkIsolation, pythonExecutable, runProgram, type SandboxLimits } from '../../src/cli/pythonSandbox';

const python = pythonExecutable();
const limits = (network: SandboxLimits['network']): SandboxLimits => ({ timeoutSeconds: 3, memoryBytes: 2 ** 30, network });

describe('runProgram', () => {
  let server: Server;
  let connections = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it('keeps a program off the network with the socket guard where no namespace can be made', async () => {
    const program = `import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=2).sendall(b"x")\n`;
    expect(await runProgram(program, python, limits('socket guard'))).toMatchObject({ passed: false, result: 'failed: network disabled by the sandbox' });
    expect(connections).toBe(0);
  });

  it('passes a program whose tests pass, its own output swallowed, and reports the exception of one that fails', async () => {
    const network = networkIsolation(python);
    expect(await runProgram('print("noise")\nassert 1 + 1 == 2\n', python, limits(network))).toMatchObject({ passed: true, result: 'passed' });
    expect(await runProgram('def check(c):\n    assert c() == 2, "wrong answer"\ncheck(lambda: 1)\n', python, limits(network))).toMatchObject({ passed: false, result: 'failed: wrong answer' });
    expect(await runProgram('import os\nos.system("true")\n', python, limits(network))).toMatchObject({ passed: false, result: "failed: 'NoneType' object is not callable" });
  });
});
