// delete (runtime.md "delete"): stop what is left of the container, run the
// poststop hooks, and remove its state. Idempotent; with force, a missing
// container is fine and a live one is killed first (DESIGN.md invariant 8).
#include <string>

#include "absl/strings/str_cat.h"
#include "hostapi/status.h"
#include "runtime/common/io.h"
#include "runtime/container/container.h"
#include "runtime/container/container_internal.h"
#include "runtime/sandbox/cgroups/manager.h"
#include "runtime/sandbox/control/client.h"
#include "runtime/sandbox/control/messages.h"
#include "runtime/sandbox/hooks.h"
#include "runtime/sandbox/resctrl/resctrl.h"
#include "runtime/spec/parse.h"
#include "runtime/state/oci_state.h"
#include "runtime/state/process_alive.h"

namespace runbox {
namespace {

// How long a supervisor gets to go after `destroy` before SIGKILL.
constexpr absl::Duration kDestroyGrace = absl::Seconds(10);

// Blocks until the process `identity` names has exited (or was never
// there). A pidfd cannot outlive a pid reuse, so the identity is checked
// after it is opened: from then on it refers to the right process.
absl::Status AwaitExit(Host& host, const ProcessIdentity& identity,
                       std::optional<absl::Duration> timeout) {
  absl::StatusOr<Fd> pidfd = host.PidfdOpen(identity.pid);
  if (!pidfd.ok()) {
    return IsErrno(pidfd, ESRCH) ? absl::OkStatus() : pidfd.status();
  }
  ASSIGN_OR_RETURN(bool alive, IsAlive(host, identity));
  if (!alive) return absl::OkStatus();
  PollFd poll{&*pidfd, PollEvents::kIn};
  ASSIGN_OR_RETURN(int ready, host.Poll(absl::MakeSpan(&poll, 1), timeout));
  if (ready == 0) return absl::DeadlineExceededError("still running");
  // Ours to reap when this process created it (`run`); ECHILD otherwise.
  (void)host.Wait(identity.pid, WaitFlags::kNoHang);
  return absl::OkStatus();
}

// The supervisor listening on the container's control socket, found as the
// socket's peer (no record needed: also for an unreadable meta.json), told
// to destroy the container and awaited through a pidfd opened before the
// request, so a reused pid cannot be mistaken for it (SIGKILL through that
// pidfd after the grace period). Nobody listening: OK.
absl::Status StopPeerSupervisor(RuntimeContext& ctx, const StateStore& store,
                                absl::string_view id) {
  absl::StatusOr<Fd> conn =
      control::ConnectControl(ctx.host, store.layout().ControlSocketPath(id));
  if (!conn.ok()) return absl::OkStatus();
  ASSIGN_OR_RETURN(PeerCredentials peer, ctx.host.GetPeerCredentials(*conn));
  if (peer.pid.value <= 0) return absl::OkStatus();
  absl::StatusOr<Fd> pidfd = ctx.host.PidfdOpen(peer.pid);
  if (!pidfd.ok()) {
    return IsErrno(pidfd, ESRCH) ? absl::OkStatus() : pidfd.status();
  }
  (void)control::Call(ctx.host, *conn,
                      control::MakeRequest(control::Op::kDestroy), {}, nullptr,
                      kDestroyGrace);
  conn->Reset();
  PollFd poll{&*pidfd, PollEvents::kIn};
  ASSIGN_OR_RETURN(int ready,
                   ctx.host.Poll(absl::MakeSpan(&poll, 1), kDestroyGrace));
  if (ready == 0) {
    (void)ctx.host.PidfdSendSignal(*pidfd, Signal::kKill);
    RETURN_IF_ERROR(
        ctx.host.Poll(absl::MakeSpan(&poll, 1), std::nullopt).status());
  }
  // Ours to reap when this process created it (`run`); ECHILD otherwise.
  (void)ctx.host.Wait(peer.pid, WaitFlags::kNoHang);
  return absl::OkStatus();
}

// Asks the supervisor to kill the container and waits for it to go;
// SIGKILL if it does not answer or does not go. init dies with it (its
// parent-death signal), and with init every process of its pid namespace.
// The supervisor is asked through the control socket and awaited as that
// socket's peer (StopPeerSupervisor), whatever the record says; then the
// recorded one, if it is another process still alive (its socket gone), is
// killed. A record whose supervisor field is wrong (a corrupt meta.json
// that still parses) thus stops the real one, not nothing.
absl::Status StopSupervisor(RuntimeContext& ctx, const StateStore& store,
                            const Meta& meta) {
  RETURN_IF_ERROR(StopPeerSupervisor(ctx, store, meta.id));
  if (!meta.supervisor) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool alive, IsAlive(ctx.host, *meta.supervisor));
  if (alive) (void)ctx.host.Kill(meta.supervisor->pid, Signal::kKill);
  return AwaitExit(ctx.host, *meta.supervisor, std::nullopt);
}

// runtime.md step 13: poststop hooks, whose failures are warnings. The
// hooks are those of the config the container was created with (create's
// copy in the state directory), not the bundle's, which may have been
// edited or removed since (runtime.md "Lifecycle"). A copy that is missing
// or corrupt is a warning and no hooks: delete itself never fails on it.
void RunCreatedPoststopHooks(RuntimeContext& ctx, StateStore& store,
                             const Meta& meta) {
  absl::StatusOr<spec::Config> config = internal::CreatedConfig(store, meta.id);
  if (!config.ok()) {
    // The message names the container.
    ctx.warn(
        absl::StrCat("poststop hooks not run: ", config.status().message()));
    return;
  }
  internal::RunPoststopHooks(ctx, meta, *config);
}

// Removes the state directory of `id`, which had no meta.json when this
// delete looked, unless one appeared since: a create between its mkdir and
// its container lock shows such a directory for a moment, and by the time
// both locks are ours it has saved its record and started its supervisor,
// which removing the directory would leave running, with its cgroups, and
// nothing to find them by. Returns whether the directory went (false: the
// caller deletes the container it now is).
absl::StatusOr<bool> DestroyRecordless(RuntimeContext& ctx, StateStore& store,
                                       absl::string_view id, bool force) {
  absl::StatusOr<std::pair<RootLock, ContainerLock>> locks =
      store.LockRootAndContainer(id);
  absl::Status s = locks.status();
  if (locks.ok()) {
    absl::StatusOr<FileStat> meta = ctx.host.StatAt(
        locks->second.dir(), StateLayout::kMetaFile, FollowSymlinks::kNoFollow);
    if (meta.ok()) return false;
    // Only ENOENT says there is no record; any other error may hide one.
    if (!IsErrno(meta, ENOENT)) return meta.status();
    s = store.DestroyLocked(locks->first, locks->second);
  }
  if (absl::IsNotFound(s) && force) return true;
  RETURN_IF_ERROR(s);
  return true;
}

}  // namespace

absl::Status Delete(RuntimeContext& ctx, absl::string_view id, bool force) {
  const std::string context = absl::StrCat("delete container \"", id, "\"");
  bool again = false;
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(StateStore store, internal::OpenStore(ctx));
    absl::StatusOr<ContainerLock> lock =
        store.LockContainer(id, LockType::kExclusive, LockMode::kBlock);
    if (!lock.ok()) {
      if (force && absl::IsNotFound(lock.status())) return absl::OkStatus();
      return lock.status();
    }
    absl::StatusOr<Meta> loaded = store.LoadLocked(*lock);
    if (absl::IsNotFound(loaded.status())) {
      // A directory without meta.json: what a create killed before its
      // first save leaves. Nothing was started; Destroy sweeps it. Unless
      // a supervisor answers the control socket after all (the record was
      // there, its read said otherwise): a forced delete stops it, a plain
      // one leaves the live container alone.
      if (force) {
        RETURN_IF_ERROR(StopPeerSupervisor(ctx, store, id));
      } else if (control::ConnectControl(ctx.host,
                                         store.layout().ControlSocketPath(id))
                     .ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "container \"", id,
            "\" has a live supervisor but no readable record (",
            loaded.status().message(), "); delete it with --force"));
      }
      lock->Release();
      ASSIGN_OR_RETURN(bool destroyed,
                       DestroyRecordless(ctx, store, id, force));
      // Else a create saved its record meanwhile: delete that container.
      again = !destroyed;
      return absl::OkStatus();
    }
    if (!loaded.ok()) {
      // Only a record that was read and is corrupt (or is no file to read)
      // is given up: one that failed to read (EIO, EINTR, ENOMEM...) is
      // still there, with the cgroups it names, for the next try.
      const int err = ErrnoOf(loaded.status());
      if (!force || (err != 0 && err != EISDIR && err != ELOOP)) {
        return loaded.status();
      }
      // A corrupt record: stop what answers for the container and remove
      // its state. The cgroups and Intel RDT group it recorded, and its
      // poststop hooks, are not known any more.
      ctx.warn(absl::StrCat(
          "container \"", id, "\": removing unreadable state (",
          loaded.status().message(), "); its cgroups are not removed"));
      RETURN_IF_ERROR(StopPeerSupervisor(ctx, store, id));
      lock->Release();
      return store.DestroyIncarnation(*lock, DestroyMode::kForce);
    }
    Meta& meta = *loaded;
    ASSIGN_OR_RETURN(internal::LiveStatus live,
                     internal::CurrentStatus(ctx, store, meta));
    const bool running = live.status == ContainerStatus::kRunning ||
                         live.status == ContainerStatus::kPaused;
    if (running && !force) {
      // runc's wording, which engines match on.
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot delete container ", id,
          " that is not stopped: ", ContainerStatusName(live.status)));
    }
    // With force also when the record says stopped: a corrupt record may
    // name a dead supervisor while the real one still answers its socket.
    if (force || live.status != ContainerStatus::kStopped) {
      RETURN_IF_ERROR(StopSupervisor(ctx, store, meta));
    }
    // What create planned, whether or not it got to make it: a killed
    // create's cgroups go too. A cgroup that cannot go keeps the record, so
    // a later delete can retry.
    // With force, a path RemovePaths refuses (InvalidArgument: not below a
    // cgroup mount, e.g. a corrupt record) can never go; warn and go on.
    absl::Status removed =
        cgroups::CgroupManager::RemovePaths(ctx.host, meta.planned_cgroups);
    if (force && absl::IsInvalidArgument(removed)) {
      ctx.warn(absl::StrCat("container \"", id,
                            "\": cgroups not removed: ", removed.message()));
    } else {
      RETURN_IF_ERROR(Annotate(removed, "remove cgroups"));
    }
    // The Intel RDT group runbox made for it (a pre-configured one stays).
    if (meta.resctrl_owned) {
      RETURN_IF_ERROR(resctrl::RemoveGroup(ctx.host, meta.resctrl_group));
    }
    RunCreatedPoststopHooks(ctx, store, meta);
    // Destroy takes the root lock and then this container's lock: ours
    // must go first (a second flock of the same directory would wait on
    // this one).
    lock->Release();
    return store.DestroyIncarnation(
        *lock, force ? DestroyMode::kForce : DestroyMode::kNormal);
  }();
  if (status.ok() && again) return Delete(ctx, id, force);
  return Annotate(status, context);
}

}  // namespace runbox
