#!/usr/bin/env perl
# SPDX-License-Identifier: MIT
#
# Builds an ASN MaxMind DB from the CSV files of the npm package @ip-location-db/asn (RouteViews,
# NRO and DB-IP ASN Lite data, CC BY 4.0) with MaxMind's writer, so trailwatch has asn/asnOrg out
# of the box. Run by scripts/setup.sh; the data is never committed.
#
# Usage: make_asn_mmdb.pl OUTPUT.mmdb VERSION asn-ipv4.csv asn-ipv6.csv
#
# Each CSV line is `first_ip,last_ip,asn,organisation` (an inclusive range; the organisation is
# quoted when it holds a comma, with "" for a quote). Ranges are inserted with insert_range,
# which splits them into networks. The records use MaxMind's GeoLite2-ASN keys
# (autonomous_system_number, autonomous_system_organization), which trailwatch's reader probes
# for; the database_type names the source, not a MaxMind product. The file is written to a
# temporary name and renamed, so a reader never sees half a database.
use strict;
use warnings;

use MaxMind::DB::Writer::Tree;

my ($output, $version, @csv_files) = @ARGV;
die "usage: $0 OUTPUT.mmdb VERSION CSV...\n" unless defined $version && @csv_files;

my %type_of = (
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 32,
    database_type         => 'ip-location-db-asn',
    languages             => ['en'],
    description           => {
        # trailwatch --version prints this line: it is the attribution CC BY 4.0 asks for.
        en => "ip-location-db ASN $version: data by RouteViews (routeviews.org), NRO (nro.net) "
            . "and DB-IP (db-ip.com), CC BY 4.0",
    },
    map_key_type_callback => sub { $type_of{ $_[0] } // die "no type for key $_[0]\n" },
    alias_ipv6_to_ipv4    => 1,
    # The CSV ranges never overlap; "none" skips the merge work the writer would otherwise do.
    merge_strategy        => 'none',
);

my $ranges = 0;
for my $csv (@csv_files) {
    open my $in, '<:encoding(UTF-8)', $csv or die "$csv: $!\n";
    while (my $line = <$in>) {
        chomp $line;
        $line =~ s/\r\z//;
        next if $line eq '';
        my ($first, $last, $asn, $org) = $line =~ /\A([^,]+),([^,]+),(\d+),(.*)\z/
            or die "$csv:$.: not first_ip,last_ip,asn,organisation\n";
        if ($org =~ /\A"(.*)"\z/s) {
            ($org = $1) =~ s/""/"/g;
        }
        # Teredo (2001::/32) and 6to4 (2002::/16) carry IPv4 addresses: with alias_ipv6_to_ipv4
        # they point at the IPv4 tree, and the writer refuses to overwrite them.
        next if $first =~ /\A(?:2001:0{0,4}:|2002:)/i;
        my %data = (autonomous_system_number => $asn + 0);
        $data{autonomous_system_organization} = $org if $org ne '';
        $tree->insert_range($first, $last, \%data);
        $ranges++;
    }
    close $in;
}
die "no ranges read from @csv_files\n" unless $ranges;

my $partial = "$output.partial";
open my $out, '>:raw', $partial or die "$partial: $!\n";
$tree->write_tree($out);
close $out or die "$partial: $!\n";
rename $partial, $output or die "$output: $!\n";
print STDERR "make_asn_mmdb: $ranges ranges written to $output\n";
