//! The AWS tables that Terraform does not check before apply: Fargate's CPU and memory
//! pairs and CloudWatch Logs' retention periods.

/// Valid memory, in MiB, for each Fargate CPU size, in CPU units.
pub fn fargate_memory_range(cpu: u32) -> Option<Vec<u32>> {
    let gb = |n: u32| n * 1024;
    Some(match cpu {
        256 => vec![512, gb(1), gb(2)],
        512 => (1..=4).map(gb).collect(),
        1024 => (2..=8).map(gb).collect(),
        2048 => (4..=16).map(gb).collect(),
        4096 => (8..=30).map(gb).collect(),
        8192 => (16..=60).step_by(4).map(gb).collect(),
        16384 => (32..=120).step_by(8).map(gb).collect(),
        _ => return None,
    })
}

pub const FARGATE_CPUS: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

pub fn is_valid_fargate_size(cpu: u32, memory: u32) -> bool {
    fargate_memory_range(cpu).is_some_and(|memories| memories.contains(&memory))
}

/// The valid pair nearest to `cpu`/`memory`: the nearest CPU size, then the memory of
/// that size nearest to the one asked for.
pub fn nearest_fargate_size(cpu: f64, memory: f64) -> (u32, u32) {
    let nearest_cpu = FARGATE_CPUS
        .iter()
        .copied()
        .min_by(|a, b| {
            (f64::from(*a) - cpu)
                .abs()
                .total_cmp(&(f64::from(*b) - cpu).abs())
        })
        .unwrap_or(256);
    let memories = fargate_memory_range(nearest_cpu).unwrap_or_default();
    let nearest_memory = memories
        .iter()
        .copied()
        .min_by(|a, b| {
            (f64::from(*a) - memory)
                .abs()
                .total_cmp(&(f64::from(*b) - memory).abs())
        })
        .unwrap_or(512);
    (nearest_cpu, nearest_memory)
}

/// The retention periods CloudWatch Logs accepts, in days (0 keeps logs forever).
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub fn nearest_retention(days: f64) -> u32 {
    RETENTION_DAYS
        .iter()
        .copied()
        .min_by(|a, b| {
            (f64::from(*a) - days)
                .abs()
                .total_cmp(&(f64::from(*b) - days).abs())
        })
        .unwrap_or(7)
}

/// `1024` CPU units as people write them: `1 vcpu`.
pub fn cpu_text(units: u32) -> String {
    format!(
        "{} vcpu",
        crate::eval::value::format_number(f64::from(units) / 1024.0)
    )
}

/// Memory as people write it: `512 MB`, `2 GB`.
pub fn memory_text(mib: u32) -> String {
    if mib.is_multiple_of(1024) {
        format!("{} GB", mib / 1024)
    } else {
        format!("{mib} MB")
    }
}

/// "2 GB to 8 GB in 1 GB steps" for one CPU size.
pub fn memory_range_text(cpu: u32) -> String {
    let Some(memories) = fargate_memory_range(cpu) else {
        return String::new();
    };
    let texts: Vec<String> = memories.iter().map(|m| memory_text(*m)).collect();
    match memories.as_slice() {
        [first, second, .., last] if memories.len() > 3 => format!(
            "{} to {} in {} steps",
            memory_text(*first),
            memory_text(*last),
            memory_text(second - first)
        ),
        _ => texts.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fargate_table_matches_aws() {
        assert!(is_valid_fargate_size(512, 1024));
        assert!(is_valid_fargate_size(1024, 2048));
        assert!(!is_valid_fargate_size(1024, 1024));
        assert!(is_valid_fargate_size(4096, 30 * 1024));
        assert!(!is_valid_fargate_size(8192, 18 * 1024));
        assert!(is_valid_fargate_size(16384, 120 * 1024));
        assert_eq!(nearest_fargate_size(1024.0, 1024.0), (1024, 2048));
        assert_eq!(nearest_fargate_size(1000.0, 3000.0), (1024, 3072));
        assert_eq!(memory_range_text(1024), "2 GB to 8 GB in 1 GB steps");
        assert_eq!(memory_range_text(256), "512 MB, 1 GB, 2 GB");
        assert_eq!(nearest_retention(31.0), 30);
    }
}
