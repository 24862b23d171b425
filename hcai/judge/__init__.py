"""Judging test cells outside the learner's kernel, faithfully (see docs/GRADING-MODEL.md).

Modules:
  channel    -- the request/reply pipe to the learner's kernel, and its errors
  crossing   -- the data codec (encoder): which values cross by value, with type fidelity
  decoding   -- the strict decoder for that data (never unpickles, imports or evaluates)
  agent      -- the kernel-side agent (source text run inside the learner's kernel)
  handles    -- the session with the agent; proxies for learner objects that stay in the kernel
  outbound   -- what a test sends into the kernel (arguments, rebound names, test functions)
  namespace  -- TrustedNamespace: the test cell's globals; which test actions reach the kernel
  verdict    -- run one test cell; CellVerdict with the nbgrader outputs it should get
  local      -- LocalChannel: the agent in this process, for tests and kernel-less checks
"""
