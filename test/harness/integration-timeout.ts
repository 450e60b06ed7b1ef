// Integration tests run real workflows and processes: give each test up to three minutes.
jest.setTimeout(180_000);
