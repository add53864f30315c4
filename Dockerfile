# The course in a container, with live labs, for instructors (docs/instructors.md explains it all).
#
#   docker build -t netcourse .
#   docker run --rm -p 127.0.0.1:8888:8888 \
#     --security-opt systempaths=unconfined \
#     --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#     netcourse
#
# No capability is added: JupyterLab and the labs run as the unprivileged user "learner", and each
# lab lives in its own user-namespace sandbox, the rootless mode of an ordinary Linux user. Docker's
# defaults forbid three things that sandbox needs, hence the three options:
#   systempaths=unconfined  /proc/sys is read-only by default, and every lab node sets its own
#                           network sysctls (IPv6 off, forwarding on for routers) in its namespace
#   seccomp=unconfined      the default seccomp profile refuses unshare(CLONE_NEWUSER) to a
#                           process without CAP_SYS_ADMIN, so no sandbox could start
#   apparmor=unconfined     docker-default AppArmor denies mount, which the sandbox uses for its
#                           private /run (only needed on hosts with AppArmor: Ubuntu, Debian)
# Without them everything still runs, in offline mode (recorded experiments), and every lesson's
# first line says so. Root mode instead (labs as named namespaces, learner is root in the container):
# --user root --cap-add NET_ADMIN --cap-add SYS_ADMIN --security-opt systempaths=unconfined
# --security-opt apparmor=unconfined; see the guide for why the rootless way is preferred.

FROM debian:12-slim

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1

# Python to run course.py, and tini as PID 1: lab programs that outlive their parent are reaped
# instead of piling up as zombies under JupyterLab.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --shell /bin/bash learner
WORKDIR /home/learner/course
COPY --chown=learner:learner . .

# The project's own set-up, the one `python3 course.py start` runs on first use: as root it installs
# the system tools live labs use (iproute2, nftables, tcpdump, haproxy, nginx ...) and builds .venv
# from requirements.txt. Doing it here makes the container start in seconds.
RUN python3 course.py doctor \
 && rm -rf /var/lib/apt/lists/* \
 && chown -R learner:learner /home/learner/course

USER learner
# JupyterLab inside the container; publish it on the host's loopback only (-p 127.0.0.1:8888:8888).
EXPOSE 8888
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl -fsS http://127.0.0.1:8888/api || exit 1
ENTRYPOINT ["/usr/bin/tini", "--"]
# Listen on all of the container's interfaces so the published port reaches it; JupyterLab asks for
# its token (printed in `docker logs`, or set one with -e JUPYTER_TOKEN=...).
CMD ["python3", "course.py", "start", "--ip", "0.0.0.0", "--no-browser"]
