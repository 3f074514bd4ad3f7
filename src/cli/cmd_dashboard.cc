// rungs dashboard DIR...: serves the live dashboard of one or more
// experiments (rungs tune output folders, or journals of rungs simulate)
// until Ctrl-C. doc/dashboard.md.
#include <malloc.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "dashboard/dashboard_server.h"

namespace rungs::cli {

struct DashboardFlags {
  std::vector<std::string> experiments;
  std::string address;
  bool allow_remote = false;
};

Command AddDashboardCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("dashboard", "watch, compare and steer experiments in the browser");
  auto f = std::make_shared<DashboardFlags>();
  sub->add_option("experiments", f->experiments,
                  "experiment output folders (or journal files of rungs simulate)")
      ->required();
  sub->add_option("--addr", f->address, "HOST[:PORT] to listen on (default 127.0.0.1, a free port)");
  sub->add_flag("--allow-remote", f->allow_remote,
                "allow a non-loopback --addr (anyone who reaches it sees the experiments)");
  return {sub, [f]() -> Status {
            dashboard::DashboardOptions options;
            RUNGS_RETURN_IF_ERROR(dashboard::ParseAddress(f->address, options));
            options.allow_remote = f->allow_remote;
            // The server's threads inherit this mask: Ctrl-C reaches sigwait below.
            sigset_t stop;
            sigemptyset(&stop);
            sigaddset(&stop, SIGINT);
            sigaddset(&stop, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &stop, nullptr);
            std::signal(SIGPIPE, SIG_IGN);  // a browser may hang up mid-stream
            // Large blocks (a chart drawing's copy of the report data) go
            // back to the system when freed. By default glibc raises this
            // threshold after the first large free and then keeps such
            // blocks in the arena of the thread that freed them: the server
            // grew by 13-20 MB per drawing of 150,000 results, as httplib
            // serves requests on many threads (dashboard_server.cc, Drawing).
            mallopt(M_MMAP_THRESHOLD, 128 * 1024);
            auto server = dashboard::DashboardServer::Start(f->experiments, options);
            if (!server.ok()) return server.status();
            if (!dashboard::IsLoopback(options.host)) {
              std::fprintf(stderr,
                           "warning: the dashboard listens on %s, not loopback: anyone who can "
                           "reach it sees these experiments (steering still needs the token)\n",
                           options.host.c_str());
            }
            std::printf("dashboard: %s\n(Ctrl-C stops it)\n", (*server)->url().c_str());
            std::fflush(stdout);
            int signal = 0;
            sigwait(&stop, &signal);
            (*server)->Stop();
            return Status::Ok();
          }};
}

}  // namespace rungs::cli
