// Browser tests share two CPU cores with everything else: one at a time keeps timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
