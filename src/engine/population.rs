//! Compact per-person state: 16 bytes a person, groups stored contiguously.

use crate::tier::Tier;

/// Flag: the person is in a bed or waiting for one (new episodes are not drawn for them).
const IN_CARE: u8 = 1;
/// Flag: the last tier used referred them on or made them wait long.
const BAD_EXPERIENCE: u8 = 2;

/// What choice and cost depend on for one resident.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct Person {
    /// Covered outpatient spending this insurance year, yuan (towards the annual deductible).
    pub outpatient_progress_yuan: f32,
    /// Outpatient fund payments this insurance year, yuan (towards the annual cap).
    pub outpatient_fund_paid_yuan: f32,
    /// Inpatient fund payments this insurance year, yuan (towards the annual cap).
    pub inpatient_fund_paid_yuan: f32,
    /// Population group index.
    pub group: u8,
    /// Tier of the signed family doctor, if signed (one byte: `Tier` leaves a niche for None).
    pub signed_tier: Option<Tier>,
    /// Tier used last, if any.
    pub last_tier: Option<Tier>,
    flags: u8,
}

impl Person {
    /// A new resident of `group`: unsigned, no history, nothing paid.
    pub fn new(group: u8) -> Self {
        Person {
            outpatient_progress_yuan: 0.0,
            outpatient_fund_paid_yuan: 0.0,
            inpatient_fund_paid_yuan: 0.0,
            group,
            signed_tier: None,
            last_tier: None,
            flags: 0,
        }
    }

    /// In a bed or queueing for one.
    #[inline]
    pub fn in_care(&self) -> bool {
        self.flags & IN_CARE != 0
    }

    /// Sets or clears the in-care flag.
    #[inline]
    pub fn set_in_care(&mut self, on: bool) {
        self.flags = if on {
            self.flags | IN_CARE
        } else {
            self.flags & !IN_CARE
        };
    }

    /// Whether the last experience was bad.
    #[inline]
    pub fn bad_experience(&self) -> bool {
        self.flags & BAD_EXPERIENCE != 0
    }

    /// Records the tier used and how it went.
    #[inline]
    pub fn remember(&mut self, tier: Tier, bad: bool) {
        self.last_tier = Some(tier);
        self.flags = if bad {
            self.flags | BAD_EXPERIENCE
        } else {
            self.flags & !BAD_EXPERIENCE
        };
    }

    /// Starts a new insurance year.
    #[inline]
    pub fn reset_annual(&mut self) {
        self.outpatient_progress_yuan = 0.0;
        self.outpatient_fund_paid_yuan = 0.0;
        self.inpatient_fund_paid_yuan = 0.0;
    }
}

/// Asks the kernel to back the people array's allocation with transparent huge pages.
///
/// Call it before the array is filled, so the pages fault in huge.
///
/// Onsets touch people at random, so with 4 KiB pages nearly every episode misses the TLB;
/// 2 MiB pages cut those misses by 512×. Linux only, and only a hint: where it is refused,
/// nothing changes but speed.
pub fn advise_huge_pages(people: &Vec<Person>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = people.as_ptr() as usize;
        let end = start + people.capacity() * std::mem::size_of::<Person>();
        let aligned = start.next_multiple_of(HUGE);
        if end > aligned + HUGE {
            let len = (end - aligned) / HUGE * HUGE;
            // SAFETY: the range lies inside the allocation of `people`; MADV_HUGEPAGE only
            // changes how the kernel backs those pages, never their contents.
            unsafe {
                libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = people;
}

/// Bytes of state per simulated person (reported by the benchmark and the README).
pub const BYTES_PER_PERSON: usize = std::mem::size_of::<Person>();

// Compact per-person state: the person array is the engine's working set, so a person must stay
// 16 bytes (Option<Tier> is one byte because Tier leaves a niche).
const _: () = assert!(BYTES_PER_PERSON == 16);
