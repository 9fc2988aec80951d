module userhash.example/adapter

go 1.22
