//! IPv4 CIDR blocks: parsing, Terraform's `cidrsubnet`, containment and overlap, so
//! that subnet layouts are checked at compile time.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    pub address: u32,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (address, prefix) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not a CIDR block like 10.0.0.0/16"))?;
        let mut value: u32 = 0;
        let octets: Vec<&str> = address.split('.').collect();
        if octets.len() != 4 {
            return Err(format!("`{address}` is not an IPv4 address"));
        }
        for octet in octets {
            let octet: u8 = octet
                .parse()
                .map_err(|_| format!("`{octet}` in `{text}` is not an octet between 0 and 255"))?;
            value = (value << 8) | u32::from(octet);
        }
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|prefix| *prefix <= 32)
            .ok_or_else(|| format!("prefix `/{prefix}` in `{text}` is not between 0 and 32"))?;
        let cidr = Cidr {
            address: value,
            prefix,
        };
        if cidr.address & !cidr.mask() != 0 {
            return Err(format!(
                "`{text}` has host bits set; the network is {}",
                Cidr {
                    address: cidr.address & cidr.mask(),
                    prefix
                }
            ));
        }
        Ok(cidr)
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    /// Terraform's `cidrsubnet(prefix, newbits, netnum)`.
    pub fn subnet(self, newbits: u32, netnum: u64) -> Result<Cidr, String> {
        let prefix = u32::from(self.prefix) + newbits;
        if prefix > 32 {
            return Err(format!(
                "cannot add {newbits} bits to /{}: a prefix cannot exceed /32",
                self.prefix
            ));
        }
        if netnum >= 1u64 << newbits {
            return Err(format!(
                "network number {netnum} does not fit in {newbits} new bits (at most {})",
                (1u64 << newbits) - 1
            ));
        }
        let shift = 32 - prefix;
        let offset = if shift >= 32 {
            0
        } else {
            (netnum as u32) << shift
        };
        Ok(Cidr {
            address: self.address | offset,
            prefix: prefix as u8,
        })
    }

    pub fn contains(self, other: Cidr) -> bool {
        other.prefix >= self.prefix && (other.address & self.mask()) == self.address
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.address.to_be_bytes();
        write!(f, "{a}.{b}.{c}.{d}/{}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrsubnet_matches_terraform() {
        let vpc = Cidr::parse("10.0.0.0/16").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            vpc.subnet(4, 0).map(|c| c.to_string()),
            Ok("10.0.0.0/20".into())
        );
        assert_eq!(
            vpc.subnet(4, 3).map(|c| c.to_string()),
            Ok("10.0.48.0/20".into())
        );
        assert_eq!(
            vpc.subnet(8, 255).map(|c| c.to_string()),
            Ok("10.0.255.0/24".into())
        );
        assert!(vpc.subnet(4, 16).is_err());
        assert!(vpc.subnet(17, 0).is_err());
        assert!(Cidr::parse("10.0.0.1/16").is_err());
        assert!(Cidr::parse("300.0.0.0/16").is_err());
        let a = Cidr::parse("10.0.0.0/20").unwrap_or_else(|e| panic!("{e}"));
        assert!(vpc.contains(a) && !a.contains(vpc) && a.overlaps(vpc));
    }
}
