//! Beyond one machine: a study's job list (points × replications) split into shards that run
//! anywhere (`--shard I/N`), merged back into exactly the folder one machine writes
//! (`tierflow merge`), and Slurm job arrays that do both (`tierflow slurm`).
//!
//! Job j of a study's canonical list (points in order, each point's replications in order)
//! belongs to shard (j mod N) + 1: neighbouring replications of one point go to different
//! shards, so shards are balanced whatever the points cost. A shard stores each of its jobs'
//! raw replication results with the job's fingerprint (scenario as resolved, replication,
//! version); `merge` checks that the shards are of one study and cover every job once, then
//! reruns the recorded command with those results in place of simulation
//! ([`crate::monte_carlo::stored`]), so the merged folder is written by the same code from the
//! same numbers, byte for byte, as a one-machine run (only the manifest's timing differs).

pub mod merge;
pub mod shard;
pub mod slurm;
