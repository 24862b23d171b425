"""The grading engine: run a notebook's learner cells in a sandboxed kernel, judge its tests here.

* :mod:`hcai.engine.run` -- :func:`~hcai.engine.run.run_notebook`, the one engine used by the
  grader, ``python -m hcai validate`` and the tests;
* :mod:`hcai.engine.kernel` -- one learner kernel (start, run a cell, stop), public
  jupyter_client API only; :mod:`hcai.engine.outputs` -- output caps;
* :mod:`hcai.engine.channel` -- :class:`~hcai.engine.channel.KernelChannel`, the one way the
  grader asks the kernel for data (the agent and the judging are :mod:`hcai.judge`);
* :mod:`hcai.engine.pool` -- a spare kernel started while the current notebook runs;
* :mod:`hcai.engine.sandbox` -- bubblewrap; :mod:`hcai.engine.tree` -- the one capped copy of a
  folder's regular files (the grader's copies and the kernel's export of its working folder).

Nothing here imports nbgrader: learner commands use the engine without it. The nbgrader
adapter is ``hcai.grading.execute.TrustedExecute``.
"""
