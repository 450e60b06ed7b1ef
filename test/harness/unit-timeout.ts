// Some unit tests push thousands of transactions through the simulator's HTTP path (about 4 s
// alone, more on a busy 2-core CI machine): the timeout only catches hangs, it is not a speed check.
jest.setTimeout(60_000);
