module github.com/chipgraph/chipgraph

go 1.26
