// Filled in by the benchmark work; see bench/README.md.
console.log('no scenarios yet');
