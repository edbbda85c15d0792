package io.regulator.runtime.group;

import io.regulator.core.event.Cause;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.policy.IntensityWindow;
import io.regulator.core.spec.GroupSpec;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.component.ComponentSupervisor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Applies a group's OTP strategy when a member fails, and its own intensity: a group whose members
 * fail more than {@code max-restarts} times within {@code within} escalates to the root. While
 * escalated it stops restarting siblings (each member's own circuit still protects it), so a bad
 * member cannot drag its group into a restart storm; it calms down once a whole window has passed
 * without a failure.
 */
public final class GroupSupervisor {

  public sealed interface Command {}

  /** The members' supervisors, sent once by the root after every supervisor exists. */
  public record RegisterMembers(Map<String, ActorRef<ComponentSupervisor.Command>> members) implements Command {}

  /** A member exited unexpectedly and is being restarted by its own policy. */
  public record MemberFailed(String member, Cause cause) implements Command {}

  /** Told to the root when the group exceeds its intensity. */
  public record Escalated(String group, String failedMember, int failures) {}

  public static Behavior<Command> create(GroupSpec spec, String node, EventBus bus, ActorRef<Escalated> root) {
    return Behaviors.setup(ctx -> new GroupSupervisor(ctx, spec, node, bus, root).waitingForMembers());
  }

  private final ActorContext<Command> ctx;
  private final GroupSpec spec;
  private final String node;
  private final EventBus bus;
  private final ActorRef<Escalated> root;
  private final IntensityWindow intensity;
  private long escalatedAtMillis = -1;

  private GroupSupervisor(ActorContext<Command> ctx, GroupSpec spec, String node, EventBus bus,
      ActorRef<Escalated> root) {
    this.ctx = ctx;
    this.spec = spec;
    this.node = node;
    this.bus = bus;
    this.root = root;
    this.intensity = new IntensityWindow(spec.intensity());
  }

  private Behavior<Command> waitingForMembers() {
    return Behaviors.receive(Command.class)
        .onMessage(RegisterMembers.class, m -> supervising(m.members()))
        .onMessage(MemberFailed.class, m -> Behaviors.same()) // nothing to restart yet
        .build();
  }

  private Behavior<Command> supervising(Map<String, ActorRef<ComponentSupervisor.Command>> members) {
    return Behaviors.receive(Command.class)
        .onMessage(MemberFailed.class, failed -> onMemberFailed(members, failed))
        .onMessage(RegisterMembers.class, m -> supervising(m.members()))
        .build();
  }

  private Behavior<Command> onMemberFailed(Map<String, ActorRef<ComponentSupervisor.Command>> members,
      MemberFailed failed) {
    long now = System.currentTimeMillis();
    if (escalatedAtMillis >= 0 && intensity.count(now) == 0) {
      escalatedAtMillis = -1; // a quiet window has passed
    }
    boolean exceeded = intensity.addAndCheck(now);
    if (exceeded && escalatedAtMillis < 0) {
      escalatedAtMillis = now;
      int failures = intensity.count(now);
      ctx.getLog().error("group {} exceeded its intensity ({} failures within {}); escalating to the root",
          spec.name(), failures, spec.intensity().within());
      bus.publish(new HealthEvent.GroupEscalated(Instant.now(), node, spec.name(), failed.member(), failures,
          spec.intensity().within().toMillis()));
      root.tell(new Escalated(spec.name(), failed.member(), failures));
    }
    if (escalatedAtMillis >= 0) {
      return Behaviors.same();
    }
    for (String sibling : siblingsToRestart(spec, failed.member())) {
      ActorRef<ComponentSupervisor.Command> ref = members.get(sibling);
      if (ref != null) {
        ref.tell(new ComponentSupervisor.GroupRestart(failed.member()));
      }
    }
    return Behaviors.same();
  }

  /** The members a strategy restarts besides the failed one (which restarts by its own policy). */
  public static List<String> siblingsToRestart(GroupSpec spec, String failed) {
    List<String> members = spec.members();
    int index = members.indexOf(failed);
    return switch (spec.strategy()) {
      case ONE_FOR_ONE -> List.of();
      case ONE_FOR_ALL -> members.stream().filter(m -> !m.equals(failed)).toList();
      case REST_FOR_ONE -> index < 0 ? List.of() : members.subList(index + 1, members.size());
    };
  }
}
