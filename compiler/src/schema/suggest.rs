//! "Did you mean ...?": picks the known name closest to a misspelt one. Used
//! for every unknown name the compiler reports (resource types, arguments,
//! attributes, variables, ...).

use std::cmp::Ordering;

/// Returns the candidate most likely meant by `name`, or `None` when no
/// candidate is close enough.
///
/// Matching is case-insensitive. A candidate qualifies when its optimal
/// string alignment distance (edits, counting a swap of two neighbouring
/// characters as one) is at most a third of the longer name (at least 1) and
/// its Jaro-Winkler similarity is at least 0.7. The best is the one with the
/// fewest edits, then the longest common prefix, then the highest
/// Jaro-Winkler similarity, then the earliest in `candidates`. A candidate
/// identical to `name` is skipped: it is not a different name to suggest.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let needle = name.to_lowercase();
    let needle_len = needle.chars().count();
    let mut best: Option<(Score, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let lower = candidate.to_lowercase();
        let longest = needle_len.max(lower.chars().count());
        let distance = strsim::osa_distance(&needle, &lower);
        if distance > (longest / 3).max(1) {
            continue;
        }
        let similarity = strsim::jaro_winkler(&needle, &lower);
        if similarity < MIN_SIMILARITY {
            continue;
        }
        let score = Score {
            distance,
            prefix: common_prefix_len(&needle, &lower),
            similarity,
        };
        let better = match &best {
            None => true,
            Some((current, _)) => score.cmp_better(current) == Ordering::Greater,
        };
        if better {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

const MIN_SIMILARITY: f64 = 0.7;

struct Score {
    distance: usize,
    prefix: usize,
    similarity: f64,
}

impl Score {
    /// `Greater` when `self` is strictly better than `other`.
    fn cmp_better(&self, other: &Score) -> Ordering {
        other
            .distance
            .cmp(&self.distance)
            .then(self.prefix.cmp(&other.prefix))
            .then(
                self.similarity
                    .partial_cmp(&other.similarity)
                    .unwrap_or(Ordering::Equal),
            )
    }
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn close_names_are_suggested() {
        let args = [
            "cidr_block",
            "enable_dns_hostnames",
            "enable_dns_support",
            "tags",
            "tags_all",
        ];
        assert_eq!(suggest("cidr_blok", args), Some("cidr_block"));
        assert_eq!(suggest("cidr_bolck", args), Some("cidr_block"));
        assert_eq!(suggest("CIDR_BLOCK", args), Some("cidr_block"));
        assert_eq!(
            suggest("enable_dns_hostname", args),
            Some("enable_dns_hostnames")
        );
        assert_eq!(suggest("tag", args), Some("tags"));
        assert_eq!(
            suggest(
                "aws_subnett",
                ["aws_security_group", "aws_subnet", "aws_vpc"]
            ),
            Some("aws_subnet")
        );
    }

    #[test]
    fn distant_names_are_not_suggested() {
        let args = ["cidr_block", "enable_dns_hostnames", "tags"];
        assert_eq!(suggest("xyzzy", args), None);
        assert_eq!(suggest("bucket_policy", args), None);
        assert_eq!(suggest("", args), None);
        assert_eq!(suggest("cidr_block", ["cidr_block"]), None);
        assert_eq!(suggest("anything", std::iter::empty()), None);
    }

    #[test]
    fn shared_prefix_breaks_ties() {
        // Both are one edit away; the one sharing the longer prefix wins.
        assert_eq!(
            suggest("subnet_idx", ["xubnet_idx", "subnet_ids"]),
            Some("subnet_ids")
        );
    }
}
