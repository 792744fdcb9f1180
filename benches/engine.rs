//! Engine speed: episodes per second per core on the reference model at 1 M people.
//!
//! Run with `cargo bench --bench engine`. Each iteration simulates one replication (one year,
//! about 6 M episodes) on the calling thread, so the throughput criterion reports is per core.
//! The bytes of state per simulated person are printed first.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tierflow::engine::{BYTES_PER_PERSON, simulate};
use tierflow::model::Plan;
use tierflow::scenario;

fn reference_plan(people: u32) -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference.toml");
    let s = scenario::load(&path, &[format!("population.size={people}")])
        .expect("reference.toml loads");
    Plan::from_scenario(&s).expect("reference.toml is valid")
}

fn episodes_per_second(c: &mut Criterion) {
    eprintln!("state per simulated person: {BYTES_PER_PERSON} bytes");
    let plan = reference_plan(1_000_000);
    let episodes: u64 = simulate(&plan, 0).years.iter().map(|y| y.episodes()).sum();
    let mut group = c.benchmark_group("reference");
    group.sample_size(10);
    group.throughput(Throughput::Elements(episodes));
    group.bench_function("one_replication_1M_people_1_year", |b| {
        b.iter(|| simulate(&plan, 0))
    });
    group.finish();
}

criterion_group!(benches, episodes_per_second);
criterion_main!(benches);
