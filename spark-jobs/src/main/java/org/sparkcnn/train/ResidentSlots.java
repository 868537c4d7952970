package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.api.Model;
import org.sparkcnn.backend.GpuBinding;

/**
 * The resident networks of one JVM (an executor, or the driver in local mode): one per task
 * slot, each with its own thread, kept from one averaging round to the next and across epochs so
 * that a round sets the broadcast state into a warm network instead of building one.
 *
 * <p>Each slot computes on a thread of its own because ND4J keeps its workspaces (the memory a
 * network's fit reuses), its random source and, on CUDA, the device per thread, while Spark runs
 * a task on whichever thread of its pool is free: on the task's thread the warm workspaces would
 * be lost whenever the thread changes. A task takes a free slot of its GPU (or of the CPU) that
 * holds the same training's network if there is one, else any free slot of that device, whose
 * network it replaces, else a new slot; so a JVM holds at most as many slots as it runs tasks at
 * once. Slots of a finished training are closed by {@link #evict} (the resident master calls it
 * at the end of its training; in local mode that frees them all) or replaced by the next
 * training's networks.
 */
final class ResidentSlots {
  private static final List<Slot> free = new ArrayList<>();
  private static final AtomicInteger created = new AtomicInteger();

  private ResidentSlots() {}

  /**
   * A free slot for a task on {@code device} (-1: the CPU) training {@code specId}'s network,
   * which the caller must {@link #release} once its work on the slot's thread has ended.
   */
  static synchronized Slot acquire(int device, String specId) {
    Slot other = null;
    for (Slot s : free) {
      if (s.device == device) {
        if (specId.equals(s.specId)) {
          free.remove(s);
          return s;
        }
        other = other == null ? s : other;
      }
    }
    if (other != null) {
      free.remove(other);
      return other;
    }
    return new Slot(device, created.incrementAndGet());
  }

  /** Returns {@code slot} to the free slots. */
  static synchronized void release(Slot slot) {
    free.add(slot);
  }

  /** Closes the free slots holding {@code specId}'s network; returns how many. */
  static synchronized int evict(String specId) {
    List<Slot> closing = free.stream().filter(s -> specId.equals(s.specId)).toList();
    free.removeAll(closing);
    closing.forEach(Slot::close);
    return closing.size();
  }

  /** Free slots now, for tests and logs. */
  static synchronized int freeSlots() {
    return free.size();
  }

  /** One task slot: a thread, bound to its device, and the network it keeps. */
  static final class Slot {
    private final ExecutorService thread;
    private final int device;
    /** Touched on the slot's thread only (acquire reads specId under the class lock). */
    private volatile String specId;
    private Model network;

    private Slot(int device, int number) {
      this.device = device;
      this.thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "spark-cnn-resident-" + number);
        t.setDaemon(true);
        return t;
      });
      if (device >= 0) {
        thread.submit(() -> GpuBinding.bindDevice(device));
      }
    }

    /** Runs {@code work} on the slot's thread. */
    <T> Future<T> submit(Callable<T> work) {
      return thread.submit(work);
    }

    /**
     * The slot's network of {@code spec}, built when the slot holds none or another training's;
     * call on the slot's thread.
     *
     * @param built set to whether it was built now
     */
    Model network(ModelSpec spec, boolean[] built) {
      built[0] = network == null || !spec.id().equals(specId);
      if (built[0]) {
        network = null; // the old network's memory can go before the new one is allocated
        specId = null;
        network = spec.build();
        specId = spec.id();
      }
      return network;
    }

    private void close() {
      thread.submit(() -> {
        network = null;
        specId = null;
      });
      thread.shutdown();
    }
  }
}
