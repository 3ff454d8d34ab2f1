/** A model for the report tests whose every name tries to inject markup. Not a test file itself. */
export const HOSTILE = `<script>alert("x")</script> & 'q'`;

/** A small model whose names try to inject markup, with a gate, rework, an optional and a parallel step, and money. */
export const HOSTILE_MODEL = `name: "${HOSTILE.replace(/"/g, '\\"')} \\u0007bell"
timeUnit: day
warmup: 10
horizon: 120
replications: 4
seed: 3
economics: { currency: "<b>EUR</b>", costPerPerson: 100000 }
stages:
  intake: { name: "<img src=x onerror=alert(1)>", servers: 1, processTime: { dist: exponential, mean: 0.2 }, batch: { every: 2 } }
  dev: { name: "Dev & \\"friends\\"", servers: 3, processTime: { dist: exponential, mean: 1 } }
  review: { name: "Review </svg><script>bad()</script>", servers: 1, processTime: { dist: exponential, mean: 0.45 }, rework: { probability: 0.2 } }
  env: { name: "Environments", servers: 1, processTime: { dist: exponential, mean: 0.5 } }
streams:
  web:
    name: "<iframe src=https://evil.example>"
    arrivals: { rate: 1 }
    costOfDelay: { amount: 50, per: 1d }
    route: [intake, { parallel: [[dev, review], [{ stage: env, probability: 0.5 }]] }]
  ops:
    name: "Ops"
    arrivals: { rate: 0.2 }
    route: [intake, review]
`;

