#!/usr/bin/env bash
# Installs a gradient-lab course for a JupyterHub: its npm packages (the engine and the TypeScript
# kernel), then the kernelspec and the JupyterLab / Notebook 7 extension into the Jupyter
# environment the single-user servers run in.
#
#   deploy/install-course.sh COURSE_DIR JUPYTER_PREFIX
#
# COURSE_DIR: this repository, or a course made with `npx gradient-lab init`.
# JUPYTER_PREFIX: the environment's prefix (sys.prefix of the single-user server's Python: /opt/conda
# in Jupyter's docker-stacks images); Jupyter finds what lands in PREFIX/share/jupyter without settings.
#
# Used as it is by deploy/Dockerfile and by the JupyterHub test (test/teach/jupyterhub.test.ts).
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: $0 COURSE_DIR JUPYTER_PREFIX" >&2
  exit 2
fi
course=$1
prefix=$2
if [ ! -f "$course/package.json" ]; then
  echo "$0: $course has no package.json: not a course folder" >&2
  exit 2
fi
cd "$course"
# Up to date already (the test's case): npm checks and changes nothing.
npm install --no-audit --no-fund --loglevel=error
npx --no-install gradient-lab kernel install --prefix "$prefix"
