//! Work shared out among threads: the environments of a compilation, the item chunks to
//! parse, the stacks to write.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// `jobs`, or when it is 0 the number of cores this process may use. That answer costs
/// system calls (CPU affinity, cgroup quotas), so it is asked once, and only by work that
/// has something to share.
pub fn threads(jobs: usize) -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    match jobs {
        0 => *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from)),
        jobs => jobs,
    }
}

/// Calls `work` on every item of `items` from `jobs` threads (the calling one among
/// them; 0: see [`threads`]), each taking the next item when it is done with one, so
/// that uneven items balance out. Each thread has its own state, made by `init` on that
/// thread (it need not cross threads). The results come back in the order of `items`,
/// whatever thread computed them. A panic in any thread is raised again on the calling
/// one.
pub fn map_in_order<T, S, R>(
    items: &[T],
    jobs: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let next = AtomicUsize::new(0);
    let run = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(at) else {
                return done;
            };
            done.push((at, work(&mut state, item)));
        }
    };
    let helpers = match items.len() {
        0 | 1 => 0,
        count => threads(jobs).clamp(1, count) - 1,
    };
    let mut done = std::thread::scope(|scope| {
        let spawned: Vec<_> = (0..helpers).map(|_| scope.spawn(run)).collect();
        let mut done = run();
        for helper in spawned {
            done.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        done
    });
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_come_back_in_order_on_any_number_of_threads() {
        let items: Vec<u64> = (0..1000).collect();
        for jobs in [0, 1, 2, 7, 2000] {
            assert!(super::threads(jobs) >= 1);
            let squares = map_in_order(&items, jobs, || (), |(), n| n * n);
            assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        }
        assert!(map_in_order(&[] as &[u8], 4, || (), |(), _| ()).is_empty());
    }

    #[test]
    fn each_thread_makes_its_own_state() {
        let items = vec![(); 500];
        let made_here = map_in_order(
            &items,
            4,
            || std::thread::current().id(),
            |made_on, ()| *made_on == std::thread::current().id(),
        );
        assert!(made_here.iter().all(|&here| here));
    }

    #[test]
    #[should_panic(expected = "item 321")]
    fn a_panic_on_a_helper_thread_is_raised_on_the_caller() {
        let items: Vec<u32> = (0..1000).collect();
        map_in_order(&items, 3, || (), |(), &n| assert!(n != 321, "item {n}"));
    }
}
