"""IPython kernel config for the kernels that execute the book's notebooks (`make book`).

The Makefile copies this file into a build-local IPYTHONDIR (`_build/ipython/profile_default/`),
so a fresh clone gets it without touching the user's own ~/.ipython. Why: ipykernel logs
"Kernel is running over TCP without encryption" at WARNING level for every kernel the build
starts; the book's kernels are local, short-lived and started by the build itself, so only
errors are worth printing.
"""

c = get_config()  # noqa: F821 (provided by IPython when it loads a config file)
c.IPKernelApp.log_level = "ERROR"
