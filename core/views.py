from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Job


@login_required
def home(request):
    return render(request, "home.html")


@login_required
def job_detail(request, pk: int):
    jobs = Job.objects.all() if request.user.is_admin else Job.objects.filter(created_by=request.user)
    return render(request, "core/job_detail.html", {"job": get_object_or_404(jobs, pk=pk)})
